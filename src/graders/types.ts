import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { SandboxMode } from "../sandbox/types.js";
import type { Task } from "../tasks/types.js";

/** The loss of one task run: pass/fail, a score in [0, 1], and feedback a diagnoser can read. */
export interface Grade {
  pass: boolean;
  score: number;
  feedback: string;
}

/** What a grader may look at: the task, the agent's final answer, and the workspace it left. */
export interface GradeInput {
  task: Task;
  /** The agent's final answer text ("" when it gave none). */
  answer: string;
  /** Absolute path of the task run's workspace after the agent finished. */
  workspace: string;
  /** A model for graders that ask one (llm-judge); calls go through the model hub. */
  judge?: LanguageModelV3;
  abortSignal?: AbortSignal;
  /** The sandbox a `command` grader runs in, as the agent's commands do (default "auto"). */
  sandbox?: SandboxMode;
  /** Run `command` graders on the host instead (the user trusts the task file's scripts). */
  trustGraders?: boolean;
}

export type Grader = (input: GradeInput) => Promise<Grade>;

export function passFail(pass: boolean, feedback: string): Grade {
  return { pass, score: pass ? 1 : 0, feedback };
}
