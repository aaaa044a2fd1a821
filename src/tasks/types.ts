/** A file the task puts into the agent's workspace. */
export interface TaskFile {
  /** Absolute path of the source file on the host. */
  from: string;
  /** Relative path inside the workspace. */
  to: string;
}

/** A grader as written in a task file: a name, or an object with `type` and its options. */
export type GraderSpec = string | ({ type: string } & Record<string, unknown>);

/** One task the agent is asked to do: the unit of the forward pass. */
export interface Task {
  id: string;
  prompt: string;
  files: TaskFile[];
  expected?: unknown;
  grader?: GraderSpec;
  /**
   * A workspace file the task asks the agent to write its answer to: the answer is read from it
   * (agents without a finish tool, such as Claude Code and Codex, are told to write it there).
   */
  answerFile?: string;
  /** Free-form data for graders and reports; never shown to the agent. */
  meta?: Record<string, unknown>;
  /** Folder of the task file: where a `command` grader's relative paths start. */
  baseDir?: string;
}
