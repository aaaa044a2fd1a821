import { recordEvent } from "../runs/run-folder.js";
import type { SplitManifest } from "../tasks/split.js";
import type { Task } from "../tasks/types.js";
import { writeJsonAtomic } from "../util/fs.js";
import { finishRun, type OptimizeSummary } from "./finish.js";
import { runLoop } from "./loop.js";
import type { OptimizeInput, TaskSplit } from "./types.js";

export { DEFAULT_SETTINGS } from "./settings.js";

/** Splits the tasks by a manifest: its pool (or train) set evolves the skill; validation and test judge it. */
export function splitTasks(tasks: Task[], manifest: SplitManifest): TaskSplit {
  const pick = (ids: string[] | undefined) => {
    const wanted = new Set(ids ?? []);
    return tasks.filter((task) => wanted.has(task.id));
  };
  return {
    pool: pick(manifest.sets.pool ?? manifest.sets.train),
    validation: pick(manifest.sets.validation),
    test: pick(manifest.sets.test),
  };
}

/** Runs (or resumes) an optimization in its run folder and writes summary.json. */
export async function runOptimize(input: OptimizeInput): Promise<OptimizeSummary> {
  const started = Date.now();
  await recordEvent(input.folder, { type: "optimize-start" });
  const loop = await runLoop(input);
  const summary = await finishRun(input, loop, started);
  await writeJsonAtomic(input.folder.summary, summary);
  await recordEvent(input.folder, { type: "optimize-done", status: summary.status });
  return summary;
}
