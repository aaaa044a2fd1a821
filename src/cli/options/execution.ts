import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { EXECUTOR_KINDS, type ExecutorChoice, type ExecutorKind } from "../../executor/types.js";
import { oneOf, positiveInt, positiveNumber } from "../parse.js";

/** How each task run goes: the agent that runs it, how many at once, its sandbox and its limits. */
export interface ExecutionOptions {
  executor?: ExecutorKind;
  executorBin?: string;
  concurrency: number;
  repeat: number;
  sandbox: "auto" | "bwrap" | "none";
  /** Absent on commands that run no graders (triggers). */
  trustGraders?: boolean;
  maxTurns: number;
  commandTimeout: number;
  taskTimeout: number;
}

export function addExecutorOptions(command: Command): Command {
  return command
    .option(
      "--executor <agent>",
      `the agent that runs each task: ${EXECUTOR_KINDS.join(", ")} (default: the config file's, else builtin)`,
      oneOf(...EXECUTOR_KINDS),
    )
    .option("--executor-bin <path>", "the external agent's program (default: found on PATH)");
}

/** What differs between the commands that run agents. */
export interface ExecutionOptionSettings {
  /** --repeat's default (trigger probes run each query 3 times). */
  repeatDefault?: number;
  /** Whether the command grades tasks, so that --trust-graders means something (not for triggers). */
  graders?: boolean;
}

export function addExecutionOptions(command: Command, settings: ExecutionOptionSettings = {}): Command {
  command
    .option("--concurrency <n>", "task runs at the same time", positiveInt, 4)
    .option(
      "--repeat <k>",
      "run every task k times (for noisy tasks)",
      positiveInt,
      settings.repeatDefault ?? 1,
    )
    .option(
      "--sandbox <mode>",
      "auto or bwrap (bubblewrap; refuses to run agent commands without it), or none (no isolation: an explicit opt-out)",
      oneOf("auto", "bwrap", "none"),
      "auto",
    );
  if (settings.graders !== false) {
    command.option(
      "--trust-graders",
      "run the tasks' command graders on the host (default: in the sandbox, like the agent's commands)",
      false,
    );
  }
  return command
    .option("--max-turns <n>", "model turns per task before it counts as failed", positiveInt, 30)
    .option("--command-timeout <s>", "seconds one shell command may run", positiveNumber, 120)
    .option("--task-timeout <s>", "seconds one task run may take in all", positiveNumber, 900);
}

/** What one agent run may do: its sandbox, turns and time (a trigger probe takes only these). */
export function agentLimits(options: ExecutionOptions) {
  return {
    sandbox: options.sandbox,
    maxTurns: options.maxTurns,
    commandTimeoutSec: options.commandTimeout,
    taskTimeoutSec: options.taskTimeout,
  };
}

/** How each task run goes, as eval and the optimizer's evaluations take it. */
export function executionSettings(options: ExecutionOptions) {
  return {
    concurrency: options.concurrency,
    repeat: options.repeat,
    trustGraders: options.trustGraders ?? false,
    ...agentLimits(options),
  };
}

/** The executor a run uses: --executor / --executor-bin, else the config file's, else the built-in agent. */
export function executorChoice(
  options: Pick<ExecutionOptions, "executor" | "executorBin"> & { queue?: string },
  config: { executor?: ExecutorKind; executorBin?: string },
): ExecutorChoice {
  const kind = options.executor ?? config.executor ?? "builtin";
  const bin = options.executorBin ?? (options.executor === undefined ? config.executorBin : undefined);
  if (bin !== undefined && options.queue !== undefined)
    throw new UsageError(
      "with --queue the workers run the agent: give its program to each worker (skillgrad worker --executor-bin PATH), not to eval or optimize (--executor-bin, executorBin in the config)",
    );
  if (bin !== undefined && kind === "builtin")
    throw new UsageError(
      "--executor-bin names an external agent's program: use it with --executor claude-code or codex",
    );
  // a bare name is looked up on PATH when the run starts; a path is made absolute for resume
  return { kind, ...(bin !== undefined ? { bin: bin.includes("/") ? resolve(bin) : bin } : {}) };
}
