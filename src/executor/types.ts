import type { SandboxMode } from "../sandbox/index.js";
import type { Skill } from "../skill/index.js";
import type { Task } from "../tasks/types.js";
import type { RunOutcome, Trajectory } from "./trajectory.js";

/** The agents skillgrad can run a task with. */
export type ExecutorKind = "builtin" | "claude-code" | "codex";

/** The executors this build can run (what --executor and the config file accept). */
export const EXECUTOR_KINDS: readonly ExecutorKind[] = ["builtin", "claude-code", "codex"];

/** Which executor a run uses, as saved in its config (so a resumed run uses the same one). */
export interface ExecutorChoice {
  kind: ExecutorKind;
  /** The external agent's program (claude, codex); default: found on PATH. */
  bin?: string;
}

/** One task run: what to run, with what, and within which limits. */
export interface TaskRunRequest {
  task: Task;
  /** The skill version the agent may use; undefined runs the no-skill baseline. */
  skill?: Skill;
  /** Folder under which this run's fresh workspace is made. */
  workspaceRoot: string;
  /** Which rollout of the task this is (0, 1, …): repeats must be independent samples. */
  repeat: number;
  sandbox: SandboxMode;
  maxTurns: number;
  commandTimeoutSec: number;
  /** The whole run's wall-clock limit; on expiry every process of the run is killed. */
  taskTimeoutSec: number;
  /**
   * Skills installed beside `skill`, discovered by the agent the same way (a trigger evaluation's
   * competing skills). Absent: `skill` is the only one.
   */
  otherSkills?: Skill[];
  /**
   * Told of every tool call the agent makes, in the shared vocabulary, before the call is carried out;
   * returning true ends the run there and then: that call is not carried out, the agent is stopped and
   * the run resolves with `stoppedEarly` set (a trigger evaluation stops once activation is decided).
   */
  stopAt?: (call: ToolCallSeen) => boolean;
}

/** A tool call as `stopAt` sees it: the shared vocabulary's name and input, and the agent's own. */
export interface ToolCallSeen {
  name: string;
  input: unknown;
  native?: { name: string; input: unknown };
}

/** What one task run gives back; the trajectory is saved and read by graders, diagnosers and the report. */
export interface TaskRun {
  taskId: string;
  repeat: number;
  /** The final answer ("" when there is none). */
  answer: string;
  outcome: RunOutcome;
  /** Why the run gave no answer, when it did not. */
  error?: string;
  /** The run's workspace folder (graders read the files the agent wrote there). */
  workspace: string;
  /** Files the agent created or changed in the workspace, relative to it. */
  files: string[];
  trajectory: Trajectory;
  /** `stopAt` ended the run: the trajectory's last step holds the call it stopped at (not carried out). */
  stoppedEarly?: boolean;
}

/**
 * An agent that runs tasks with a skill (the forward pass).
 *
 * Contract:
 * - `run` makes a fresh workspace under `request.workspaceRoot` with the task's files, gives the agent
 *   the skill version (or none), and returns the trajectory (steps with tool calls named in the
 *   shared vocabulary of builtin/protocol.ts, the agent's own names kept in `native`), the final
 *   answer, the files written, usage (tokens, and dollars when known) and an outcome.
 * - A failed *task* is an outcome, never a thrown error: the agent crashing, hanging past the task
 *   timeout, running out of turns, printing garbage or ending without an answer all resolve with
 *   `outcome` "error", "timeout", "max-turns" or "gave-up" and a one-line `error`.
 * - `run` rejects only when something systemic broke that would fail every task the same way
 *   (no working sandbox, the model service refusing our key, a budget exhausted, the agent program
 *   missing): the evaluation stops and says so.
 * - `otherSkills` are installed and listed beside `skill` exactly as `skill` is. `stopAt` sees each
 *   tool call (activations of any installed skill included) before it runs; when it says stop, the run
 *   ends at once with `stoppedEarly`, its outcome "gave-up", and the call in the trajectory.
 * - Runs may go on concurrently; `close` releases what the executor holds (servers, scratch folders).
 */
export interface Executor {
  readonly kind: ExecutorKind;
  run(request: TaskRunRequest): Promise<TaskRun>;
  close(): Promise<void>;
}
