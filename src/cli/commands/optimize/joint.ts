import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadLibrary } from "../../../triggers/library.js";
import type { EvaluationFile } from "../../../triggers/optimize/loop.js";
import { loadTriggerQueries } from "../../../triggers/queries.js";
import type { JointTriggers, TriggerMetrics } from "../../../triggers/types.js";
import { readJsonFileSync } from "../../../util/fs.js";
import { loadSkillOrExplain } from "../../skill-input.js";
import type { OptimizeRunConfig } from "./run-config.js";

/** Joint optimization (--trigger-queries): the queries, competing skills and split, loaded for the loop. */
export async function jointTriggers(
  saved: NonNullable<OptimizeRunConfig["triggers"]>,
  skillDir: string,
): Promise<JointTriggers> {
  const skill = await loadSkillOrExplain(skillDir);
  return {
    queries: await loadTriggerQueries(saved.queries),
    library: await loadLibrary(saved.library, skill.name),
    split: saved.split,
    repeat: saved.repeat,
  };
}

/** A version's held-out trigger metrics in a joint run, if they were measured. */
export function heldoutTriggers(runDir: string, version: string): TriggerMetrics | null {
  const file = join(runDir, "triggers", version, "heldout", "evaluation.json");
  return existsSync(file)
    ? readJsonFileSync<EvaluationFile>(file, "a trigger evaluation", "run again").summary.metrics
    : null;
}
