import { recordEvent } from "../runs/run-folder.js";
import type { SplitManifest } from "../tasks/split.js";
import type { Task } from "../tasks/types.js";
import { writeJsonAtomic } from "../util/fs.js";
import { finishRun, type OptimizeSummary } from "./finish.js";
import { type OptimizeInput, type OptimizeSettings, runLoop, type TaskSplit } from "./loop.js";

export const DEFAULT_SETTINGS: OptimizeSettings = {
  trainFrom: "failures",
  trainSize: 40,
  batchSize: 4,
  epochs: 1,
  earlyStop: 4,
  gate: "none",
  maxAnchors: 4,
  repairRounds: 2,
  repeat: 1,
  concurrency: 4,
  seed: 0,
  momentum: true,
  contrastive: true,
  sandbox: "auto",
  maxTurns: 30,
  commandTimeoutSec: 120,
  taskTimeoutSec: 900,
};

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
