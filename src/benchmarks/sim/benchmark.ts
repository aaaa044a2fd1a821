import { graderFor } from "../../graders/index.js";
import { loadTasks } from "../../tasks/load.js";
import { examplePath } from "../../util/package-paths.js";
import type { Benchmark } from "../types.js";

/** The sim world as a benchmark: offline CSV questions for the `sim` model (a simulation). */
export const benchmark: Benchmark = {
  name: "sim",
  description:
    "the sim world: 60 generated CSV questions in 6 families whose files follow hidden data conventions (for the offline sim model; a simulation)",
  loadTasks: async ({ data }) => loadTasks(data ?? examplePath("sim-world", "tasks.jsonl")),
  grader: (task) => graderFor(task.grader),
  seedSkill: examplePath("sim-world", "skills", "csv-analyst"),
};
