import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { TaskResult } from "../../eval/evaluate.js";
import type { Trajectory } from "../../executor/trajectory.js";
import type { Task } from "../../tasks/types.js";
import { type EvalOutput, evaluateVersion } from "../evaluate-version.js";
import type { LoopState } from "../state.js";
import type { StageContext } from "./context.js";
import type { Attempt, DiagnoseItem } from "./diagnose.js";

export interface ExecuteInput {
  batch: Task[];
  version: string;
  /** The latest failed attempt of each task under an earlier version (for contrastive diagnoses). */
  failedBefore: LoopState["failedBefore"];
  contrastive: boolean;
}

export interface ExecuteOutput {
  executed: EvalOutput;
  /** Failures now, and (with contrastive diagnosis) successes that failed under an earlier version. */
  items: DiagnoseItem[];
}

/**
 * The forward pass and the loss: the batch run with the current version (workspaces kept, so the
 * diagnoser can read what the agent wrote), then each task classified as a failure or a contrastive
 * success.
 */
export async function executeStage(ctx: StageContext, input: ExecuteInput): Promise<ExecuteOutput> {
  const { folder } = ctx.input;
  const tasksById = new Map(input.batch.map((task) => [task.id, task]));
  const executed = await evaluateVersion(
    ctx.input,
    join(ctx.sub, "execute"),
    input.batch,
    ctx.skillDir(input.version),
    {
      keepWorkspaces: true,
    },
  );
  const attemptOf = async (result: TaskResult, trajectoryFile: string): Promise<Attempt> => ({
    result,
    trajectory: JSON.parse(await readFile(join(folder.dir, trajectoryFile), "utf8")) as Trajectory,
    ...(result.workspace ? { workspace: join(folder.dir, result.workspace) } : {}),
  });
  const items: DiagnoseItem[] = [];
  for (const result of executed.results) {
    const task = tasksById.get(result.taskId) as Task;
    const current = await attemptOf(result, result.trajectory);
    if (!result.pass) {
      items.push({ task, signal: "failure", current });
      continue;
    }
    const before = input.contrastive ? input.failedBefore[result.taskId] : undefined;
    if (!before) continue;
    const evaluation = JSON.parse(await readFile(join(folder.dir, before.result), "utf8")) as EvalOutput;
    const earlierResult = evaluation.results.find((r) => r.taskId === result.taskId && !r.pass);
    if (earlierResult) {
      items.push({
        task,
        signal: "success",
        current,
        earlier: await attemptOf(earlierResult, before.trajectory),
      });
    }
  }
  return { executed, items };
}
