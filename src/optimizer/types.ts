import type { RolloutRunner } from "../eval/rollout.js";
import type { Executor, ExecutorChoice } from "../executor/types.js";
import type { Grader } from "../graders/index.js";
import type { ModelHub } from "../models/index.js";
import type { FeedbackFile } from "../runs/feedback.js";
import type { RunFolder } from "../runs/run-folder.js";
import type { SandboxMode } from "../sandbox/index.js";
import type { Task } from "../tasks/types.js";
import type { JointTriggers } from "../triggers/types.js";

/**
 * The optimizer's shared types in one module (the loop, its stages, the gate and the evaluation
 * helper import them from here, never from each other).
 */

/**
 * Whether a new version replaces the current one: `none` accepts every patch (the published method),
 * `nonneg` one no worse on validation, `strict` only one that is better.
 */
export type Gate = "none" | "nonneg" | "strict";

/** Every setting of an optimize run (defaults in settings.ts; the CLI flag in brackets). */
export interface OptimizeSettings {
  /** "failures": the training set is sampled from the seed skill's failures on the pool (the paper) [--train-from]. */
  trainFrom: "failures" | "all";
  /** Training tasks sampled from the pool [--train-size]. */
  trainSize: number;
  /** Tasks per iteration [--batch-size]. */
  batchSize: number;
  /** Passes over the training set; each reshuffled with the seed [--epochs]. */
  epochs: number;
  /** Stop after this many iterations even if batches remain [--iterations]. */
  maxIterations?: number;
  /** Stop after this many consecutive batches with no failure [--early-stop]. */
  earlyStop: number;
  /** The validation gate [--gate]. */
  gate: Gate;
  /** Edit budget: anchors the patcher may edit per step [--max-anchors]. */
  maxAnchors: number;
  /** Rounds the patcher gets to repair what the read-back checks find before the patch is rolled back. */
  repairRounds: number;
  /** Runs per task in each evaluation [--repeat]. */
  repeat: number;
  /** Task runs (and diagnoses) at once [--concurrency]. */
  concurrency: number;
  /** Seed for the training sample and the batches [--seed]. */
  seed: number;
  /** Keep a pattern memory and overlay (false: the `--no-momentum` ablation). */
  momentum: boolean;
  /** Diagnose tasks that failed before and pass now (false: the `--no-contrastive` ablation). */
  contrastive: boolean;
  /** Where agent code runs [--sandbox]. */
  sandbox: SandboxMode;
  /** Run the tasks' `command` graders on the host instead of in the sandbox [--trust-graders]. */
  trustGraders?: boolean;
  /** Executor turn limit in every evaluation but the base run [--max-turns]. */
  maxTurns: number;
  /** Executor turn limit of the base run of the seed skill over the pool (the method: 20) [--base-max-turns]. */
  baseMaxTurns: number;
  /** Turn limits of the tool-using optimizer roles [--diagnoser-turns, --momentum-turns, --patcher-turns]. */
  diagnoserTurns: number;
  momentumTurns: number;
  patcherTurns: number;
  /** Seconds per shell command of the executor [--command-timeout]. */
  commandTimeoutSec: number;
  /** Seconds per task run [--task-timeout]. */
  taskTimeoutSec: number;
  /** The agent that runs the tasks (absent in runs made before executors were pluggable: builtin) [--executor]. */
  executor?: ExecutorChoice;
}

export interface TaskSplit {
  pool: Task[];
  validation: Task[];
  test: Task[];
}

export interface OptimizeInput {
  settings: OptimizeSettings;
  split: TaskSplit;
  seedSkillDir: string;
  hub: ModelHub;
  executorModel: string;
  /** The agent made from settings.executor (default: the built-in agent on the hub's executor model). */
  executor?: Executor;
  /** Where rollouts run (default: here, with `executor`; a queue sends them to workers). */
  rollouts?: RolloutRunner;
  folder: RunFolder;
  grader?: (task: Task) => Grader;
  /** Awaited after every iteration (e.g. to refresh the report). */
  afterIteration?: (iteration: number) => Promise<void>;
  /** A person's notes from a report's review mode (--feedback): human evidence for the diagnoser. */
  feedback?: FeedbackFile;
  /** Joint optimization (--trigger-queries): mis-triggers join the loss, the H layer gets their diagnoses. */
  triggers?: JointTriggers;
  /**
   * For tests only (no CLI flag): the diagnoser sees "(withheld)" instead of the grader's feedback,
   * the trajectories and the agent's workspace, in its prompt and its tools. A loop that still learns
   * then was not learning from evidence.
   */
  withholdEvidence?: boolean;
}
