import type { Executor, TaskRun, TaskRunRequest } from "../executor/types.js";
import { type Grade, type Grader, graderFor, needsJudge } from "../graders/index.js";
import type { ModelHub } from "../models/index.js";
import type { Task } from "../tasks/types.js";

/** One rollout to make: a task run with one skill version, then its grade. */
export interface RolloutRequest extends TaskRunRequest {
  /** Run the task's `command` grader on the host instead of in the sandbox. */
  trustGraders: boolean;
}

/** A graded task run. `run.workspace` is "" when the workspace is not on this machine (a queue worker's). */
export interface Rollout {
  run: TaskRun;
  grade: Grade;
}

/**
 * Where rollouts run: in this process (`localRollouts`, the default) or on queue workers
 * (src/queue). evaluate() asks the runner for each task × repeat and records what comes back.
 *
 * Contract: `run` resolves with the graded run (a failed task is a grade, as in the Executor
 * contract) and rejects only when something systemic broke (a budget, a refused key, no sandbox);
 * a rejection stops the evaluation after the rollouts in flight.
 */
export interface RolloutRunner {
  /** The agent that runs the tasks (builtin, claude-code, codex), for the summary. */
  readonly executorKind: string;
  /**
   * How many rollouts evaluate() keeps going at once; undefined: its own `concurrency`. A queue
   * takes them all at once, and its workers' slots decide how many run.
   */
  readonly inFlight?: number;
  run(request: RolloutRequest): Promise<Rollout>;
}

export interface LocalGrading {
  hub: ModelHub;
  /** A benchmark's grader; by default each task's own grader spec decides. */
  grader?: (task: Task) => Grader;
}

/** A run that gave no answer fails without asking the grader. */
export function gradeFailure(run: TaskRun): Grade | undefined {
  if (run.outcome === "answered") return undefined;
  return { pass: false, score: 0, feedback: `no answer: ${run.error ?? run.outcome}` };
}

/** Grades one run with the task's grader (or the benchmark's), in the workspace the run left. */
export async function gradeRun(run: TaskRun, request: RolloutRequest, grading: LocalGrading): Promise<Grade> {
  const { task } = request;
  return (
    gradeFailure(run) ??
    (await (grading.grader?.(task) ?? graderFor(task.grader))({
      task,
      answer: run.answer,
      workspace: run.workspace,
      judge: needsJudge(task.grader) ? grading.hub.model("judge") : undefined,
      sandbox: request.sandbox,
      trustGraders: request.trustGraders,
    }))
  );
}

/** Rollouts in this process: the executor runs the task, then the grader reads its workspace. */
export function localRollouts(executor: Executor, grading: LocalGrading): RolloutRunner {
  return {
    executorKind: executor.kind,
    async run(request) {
      const run = await executor.run(request);
      return { run, grade: await gradeRun(run, request, grading) };
    },
  };
}
