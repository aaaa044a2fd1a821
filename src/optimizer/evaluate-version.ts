import { rm } from "node:fs/promises";
import { join } from "node:path";
import { type EvalSummary, evaluate, type TaskResult } from "../eval/evaluate.js";
import { once } from "../runs/once.js";
import { loadSkill } from "../skill/index.js";
import type { Task } from "../tasks/types.js";
import type { OptimizeInput } from "./types.js";

/** An evaluation the optimizer keeps: its summary and every task result, in `<subdir>/evaluation.json`. */
export interface EvalOutput {
  summary: EvalSummary;
  results: TaskResult[];
}

export interface EvaluateVersionOptions {
  /** The executor's turn limit here (default: the run's maxTurns). */
  maxTurns?: number;
  /** Keep each run's workspace (the diagnoser reads what the agent wrote). */
  keepWorkspaces?: boolean;
}

/**
 * Evaluates one skill version on some tasks into `subdir` of the run folder, once: a resumed run
 * reads the saved evaluation back; a cut-off one starts over (its model calls come from the cache).
 */
export function evaluateVersion(
  input: OptimizeInput,
  subdir: string,
  tasks: Task[],
  skillDir: string,
  options: EvaluateVersionOptions = {},
): Promise<EvalOutput> {
  const { folder, settings } = input;
  return once(join(folder.dir, subdir, "evaluation.json"), async () => {
    await rm(join(folder.dir, subdir), { recursive: true, force: true });
    const results: TaskResult[] = [];
    const summary = await evaluate({
      tasks,
      skill: await loadSkill(skillDir),
      hub: input.hub,
      executorModel: input.executorModel,
      ...(input.executor ? { executor: input.executor } : {}),
      ...(input.rollouts ? { rollouts: input.rollouts } : {}),
      folder,
      subdir,
      concurrency: settings.concurrency,
      repeat: settings.repeat,
      sandbox: settings.sandbox,
      trustGraders: settings.trustGraders ?? false,
      maxTurns: options.maxTurns ?? settings.maxTurns,
      commandTimeoutSec: settings.commandTimeoutSec,
      taskTimeoutSec: settings.taskTimeoutSec,
      grader: input.grader,
      keepWorkspaces: options.keepWorkspaces ?? false,
      onResult: (result) => results.push(result),
    });
    results.sort((a, b) => a.taskId.localeCompare(b.taskId) || a.repeat - b.repeat);
    return { summary, results };
  });
}
