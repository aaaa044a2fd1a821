import { mkdir, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import pLimit from "p-limit";
import { errorMessage } from "../errors.js";
import { builtinExecutor } from "../executor/builtin/index.js";
import { RUN_OUTCOMES, type RunOutcome, type TokenUsage } from "../executor/trajectory.js";
import type { Executor } from "../executor/types.js";
import type { Grader } from "../graders/index.js";
import { BudgetExceededError, type LedgerTotals, type ModelHub } from "../models/index.js";
import { type RunFolder, recordEvent } from "../runs/run-folder.js";
import type { SandboxMode } from "../sandbox/index.js";
import { type Skill, skillHash } from "../skill/index.js";
import type { Task } from "../tasks/types.js";
import { appendJsonLine, writeFileAtomic } from "../util/fs.js";
import { localRollouts, type RolloutRunner } from "./rollout.js";
import { round4, wilsonInterval } from "./stats.js";

/** One graded task run: the record every later stage (and the report) reads. */
export interface TaskResult {
  taskId: string;
  repeat: number;
  pass: boolean;
  score: number;
  feedback: string;
  outcome: RunOutcome;
  answer: string;
  error?: string;
  /** Trajectory file, relative to the run folder. */
  trajectory: string;
  /** The workspace the agent left, relative to the run folder, when workspaces are kept. */
  workspace?: string;
  usage: TokenUsage;
  /** Dollars the run spent (null: a price is unknown; absent in older runs). */
  costUsd?: number | null;
  /** Files the agent wrote in its workspace. */
  files?: string[];
  ms: number;
}

export interface EvaluateOptions {
  tasks: Task[];
  /** undefined evaluates the no-skill baseline. */
  skill?: Skill;
  hub: ModelHub;
  /** The executor's model string, for the records. */
  executorModel: string;
  /** The agent that runs each task (default: the built-in agent on the hub's executor model). */
  executor?: Executor;
  /** Where the rollouts run (default: here, with `executor` and `grader`; a queue sends them to workers). */
  rollouts?: RolloutRunner;
  folder: RunFolder;
  /** Where results and trajectories of this evaluation go, relative to the run folder ("" = top). */
  subdir?: string;
  concurrency: number;
  repeat: number;
  sandbox: SandboxMode;
  /** Run the tasks' `command` graders on the host instead of in the sandbox. */
  trustGraders?: boolean;
  maxTurns: number;
  commandTimeoutSec: number;
  taskTimeoutSec: number;
  /** A benchmark's grader; by default each task's own grader spec decides. */
  grader?: (task: Task) => Grader;
  keepWorkspaces?: boolean;
  /**
   * When the hub's budget runs out: true ends the evaluation cleanly with the runs completed so far
   * (status "stopped"); false (the optimizer's choice) throws the BudgetExceededError.
   */
  stopOnBudget?: boolean;
  onResult?: (result: TaskResult, done: number, total: number) => void;
}

export interface EvalSummary {
  runId: string;
  runDir: string;
  model: string;
  /** The agent that ran the tasks (builtin, claude-code, codex). */
  executor: string;
  skill: { name: string; hash: string } | null;
  tasks: number;
  runs: number;
  passes: number;
  passRate: number;
  ci95: [number, number];
  meanScore: number;
  outcomes: Record<RunOutcome, number>;
  tokens: { input: number; cachedInput: number; output: number };
  costUsd: number | null;
  calls: number;
  cachedCalls: number;
  wallMs: number;
  /** "stopped": the budget ran out; `notRun` task runs were not made. */
  status: "done" | "stopped";
  stopReason?: string;
  notRun: number;
}

/**
 * Runs every task (`repeat` times), grades each outcome, and streams results and trajectories to the
 * run folder as they finish, so memory stays flat and a crash keeps what was done. A model-service
 * error stops the evaluation (after the runs in flight) and is rethrown.
 */
export async function evaluate(options: EvaluateOptions): Promise<EvalSummary> {
  const started = Date.now();
  const { folder, tasks } = options;
  const base = options.subdir ? join(folder.dir, options.subdir) : folder.dir;
  const resultsPath = join(base, "results.jsonl");
  const trajectoriesDir = join(base, "trajectories");
  const workspacesDir = join(base, "workspaces");
  const modelName = options.executorModel;
  const rollouts =
    options.rollouts ??
    localRollouts(options.executor ?? builtinExecutor(options.hub, modelName), {
      hub: options.hub,
      ...(options.grader ? { grader: options.grader } : {}),
    });
  const totalsBefore = options.hub.totals().total;
  const limit = pLimit(rollouts.inFlight ?? options.concurrency);
  const jobs = tasks.flatMap((task) =>
    Array.from({ length: options.repeat }, (_, repeat) => ({ task, repeat })),
  );
  const outcomes = Object.fromEntries(RUN_OUTCOMES.map((outcome) => [outcome, 0])) as Record<
    RunOutcome,
    number
  >;
  let passes = 0;
  let scoreSum = 0;
  let done = 0;
  let fatal: unknown;
  await recordEvent(folder, {
    type: "eval-start",
    subdir: options.subdir ?? "",
    tasks: tasks.length,
    runs: jobs.length,
  });

  const one = async ({ task, repeat }: { task: Task; repeat: number }) => {
    if (fatal) return;
    const { run, grade } = await rollouts.run({
      task,
      skill: options.skill,
      workspaceRoot: workspacesDir,
      sandbox: options.sandbox,
      trustGraders: options.trustGraders ?? false,
      maxTurns: options.maxTurns,
      commandTimeoutSec: options.commandTimeoutSec,
      taskTimeoutSec: options.taskTimeoutSec,
      repeat,
    });
    const trajectoryFile = `${safeName(task.id)}.r${repeat}.json`;
    await writeFileAtomic(
      join(trajectoriesDir, trajectoryFile),
      JSON.stringify({ ...run.trajectory, grade }, null, 1),
    );
    if (!options.keepWorkspaces && run.workspace) await rm(run.workspace, { recursive: true, force: true });
    const result: TaskResult = {
      taskId: task.id,
      repeat,
      pass: grade.pass,
      score: grade.score,
      feedback: grade.feedback,
      outcome: run.outcome,
      answer: run.answer,
      ...(run.error ? { error: run.error } : {}),
      trajectory: join(options.subdir ?? "", "trajectories", trajectoryFile),
      ...(options.keepWorkspaces ? { workspace: relative(folder.dir, run.workspace) } : {}),
      usage: run.trajectory.usage,
      ...(run.trajectory.costUsd !== undefined ? { costUsd: run.trajectory.costUsd } : {}),
      files: run.files,
      ms: run.trajectory.ms,
    };
    await appendJsonLine(resultsPath, result);
    outcomes[run.outcome]++;
    if (grade.pass) passes++;
    scoreSum += grade.score;
    const finished = ++done;
    options.onResult?.(result, finished, jobs.length);
    await recordEvent(folder, {
      type: "task-done",
      subdir: options.subdir ?? "",
      taskId: task.id,
      repeat,
      pass: grade.pass,
      done: finished,
      total: jobs.length,
    });
  };

  await mkdir(trajectoriesDir, { recursive: true });
  await Promise.all(
    jobs.map((job) =>
      limit(() =>
        // queued runs see `fatal` and return at once (clearQueue would leave their promises pending)
        one(job).catch((error: unknown) => {
          fatal ??= error;
        }),
      ),
    ),
  );
  if (fatal) {
    await recordEvent(folder, {
      type: "eval-stopped",
      reason: errorMessage(fatal),
      done,
      total: jobs.length,
    });
    if (!(options.stopOnBudget && fatal instanceof BudgetExceededError)) throw fatal;
  }
  const spent = difference(options.hub.totals(), totalsBefore);
  const summary: EvalSummary = {
    runId: folder.id,
    runDir: folder.dir,
    model: modelName,
    executor: rollouts.executorKind,
    skill: options.skill ? { name: options.skill.name, hash: skillHash(options.skill) } : null,
    tasks: tasks.length,
    runs: done,
    passes,
    passRate: round4(done ? passes / done : 0),
    ci95: wilsonInterval(passes, done).map(round4) as [number, number],
    meanScore: round4(done ? scoreSum / done : 0),
    outcomes,
    ...spent,
    wallMs: Date.now() - started,
    status: fatal ? "stopped" : "done",
    ...(fatal ? { stopReason: errorMessage(fatal) } : {}),
    notRun: jobs.length - done,
  };
  await recordEvent(folder, { type: "eval-done", subdir: options.subdir ?? "", passRate: summary.passRate });
  return summary;
}

function safeName(id: string): string {
  return id.replace(/[^\w.-]/g, "_");
}

function difference(after: LedgerTotals, before: LedgerTotals["total"]) {
  const now = after.total;
  return {
    tokens: {
      input: now.inputTokens - before.inputTokens,
      cachedInput: now.cachedInputTokens - before.cachedInputTokens,
      output: now.outputTokens - before.outputTokens,
    },
    costUsd:
      now.costUsd === null || before.costUsd === null
        ? null
        : Math.round((now.costUsd - before.costUsd) * 1e6) / 1e6,
    calls: now.calls - before.calls,
    cachedCalls: now.cachedCalls - before.cachedCalls,
  };
}
