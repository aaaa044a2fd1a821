import { realpathSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { SkillgradError, storageError, UsageError } from "../errors.js";
import { EXECUTOR_KINDS, type ExecutorChoice, type ExecutorKind } from "../executor/types.js";
import { modelFormsHelp, modelSpecForms } from "../models/index.js";
import { writeReport } from "../runs/report/index.js";
import { isInside } from "../skill/files.js";
import { shownPath } from "./interrupt.js";
import { oneOf, positiveInt, positiveNumber } from "./parse.js";

/** What `eval` and `optimize` both take: models, how tasks run, where the run goes, what is printed. */
export interface RunOptions {
  model?: string;
  executorModel?: string;
  executor?: ExecutorKind;
  executorBin?: string;
  config?: string;
  concurrency: number;
  repeat: number;
  runsDir: string;
  sandbox: "auto" | "bwrap" | "none";
  trustGraders: boolean;
  maxTurns: number;
  commandTimeout: number;
  taskTimeout: number;
  cache: boolean;
  cacheDir?: string;
  json: boolean;
  quiet: boolean;
  rpm?: number;
  tpm?: number;
  /** Redis URL: rollouts go to queue workers (skillgrad worker) instead of running here. */
  queue?: string;
  /** With --queue: a shared folder for the rollouts' inputs instead of Redis. */
  inputStore?: string;
}

export function addRunOptions(command: Command): Command {
  // read when help is shown, so providers registered later are listed too
  command.addHelpText("after", () => `\nModels (--model and the per-role options):\n${modelFormsHelp()}\n`);
  return command
    .option("--model <model>", `model for every role: ${modelSpecForms().join(", ")} (see "Models" below)`)
    .option("--executor-model <model>", "model for the agent that uses the skill (overrides --model)")
    .option(
      "--executor <agent>",
      `the agent that runs each task: ${EXECUTOR_KINDS.join(", ")} (default: the config file's, else builtin)`,
      oneOf(...EXECUTOR_KINDS),
    )
    .option("--executor-bin <path>", "the external agent's program (default: found on PATH)")
    .option("--config <file>", "JSON or YAML config: models per role, prices, concurrency, retries")
    .option("--concurrency <n>", "task runs at the same time", positiveInt, 4)
    .option("--repeat <k>", "run every task k times (for noisy tasks)", positiveInt, 1)
    .option("--runs-dir <dir>", "where run folders are made", "runs")
    .option(
      "--sandbox <mode>",
      "auto or bwrap (bubblewrap; refuses to run agent commands without it), or none (no isolation: an explicit opt-out)",
      oneOf("auto", "bwrap", "none"),
      "auto",
    )
    .option(
      "--trust-graders",
      "run the tasks' command graders on the host (default: in the sandbox, like the agent's commands)",
      false,
    )
    .option("--max-turns <n>", "model turns per task before it counts as failed", positiveInt, 30)
    .option("--command-timeout <s>", "seconds one shell command may run", positiveNumber, 120)
    .option("--task-timeout <s>", "seconds one task run may take in all", positiveNumber, 900)
    .option("--no-cache", "call the model even when an identical call was answered before")
    .option("--cache-dir <dir>", "response cache folder (default: <runs-dir>/.cache)")
    .option(
      "--rpm <n>",
      "requests per minute per provider: calls wait to stay under your quota (rateLimits in the config sets it per provider)",
      positiveInt,
    )
    .option(
      "--tpm <n>",
      "tokens per minute per provider (estimated before a call, corrected after)",
      positiveInt,
    )
    .option(
      "--queue <url>",
      "run the rollouts on queue workers (skillgrad worker) through Redis: redis://host[:port][/db] (user:password@host to log in), or rediss:// for TLS",
    )
    .option(
      "--input-store <dir>",
      "with --queue: put the rollouts' inputs (skill versions, task files) in this shared folder (e.g. an NFS mount every worker has; give each worker --input-store too) instead of Redis",
    )
    .option("--json", "print only the summary object (JSON) on stdout")
    .option("--quiet", "print no progress");
}

/**
 * The queue of --queue (with --input-store, its inputs' folder): its code and its packages are
 * loaded only then, so a local run needs neither Redis nor its client. Undefined for a local run.
 */
export async function openQueue(options: Pick<RunOptions, "queue" | "inputStore">) {
  if (options.queue === undefined) {
    if (options.inputStore !== undefined)
      throw new UsageError(
        "--input-store is where queue workers find the run's inputs: use it with --queue URL (a local run reads them where they are)",
      );
    return undefined;
  }
  const { loadQueue } = await import("../queue/load.js");
  const { QueueSession } = await loadQueue();
  return QueueSession.open(
    options.queue,
    options.inputStore === undefined ? {} : { inputStore: options.inputStore },
  );
}

/** How each task run goes, as eval and the optimizer's evaluations take it. */
export function executionSettings(options: RunOptions) {
  return {
    concurrency: options.concurrency,
    repeat: options.repeat,
    sandbox: options.sandbox,
    trustGraders: options.trustGraders,
    maxTurns: options.maxTurns,
    commandTimeoutSec: options.commandTimeout,
    taskTimeoutSec: options.taskTimeout,
  };
}

/** The executor a run uses: --executor / --executor-bin, else the config file's, else the built-in agent. */
export function executorChoice(
  options: Pick<RunOptions, "executor" | "executorBin" | "queue">,
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

/** The response cache folder: --cache-dir, or .cache inside the runs folder. */
export function cacheDirFor(options: RunOptions): string {
  return options.cacheDir ? resolve(options.cacheDir) : resolve(options.runsDir, ".cache");
}

/**
 * Refuses a runs or cache folder inside the skill folder (`--skill .` with the default runs/): the
 * run's own files would be loaded as skill files, and written back over the skill.
 */
export function checkRunsOutsideSkill(skillDir: string, options: RunOptions): void {
  const skill = realpathLoose(resolve(skillDir));
  const folders: Array<[string, string]> = [
    ["--runs-dir", resolve(options.runsDir)],
    ["--cache-dir", cacheDirFor(options)],
  ];
  for (const [flag, dir] of folders) {
    if (!isInside(realpathLoose(dir), skill)) continue;
    const outside = relative(process.cwd(), join(dirname(skill), `${basename(skill)}-runs`));
    throw new UsageError(
      `${flag} ${shownPath(dir)} is inside the skill folder ${skillDir}: the run's files would become part of the skill; pass ${flag} outside it, e.g. ${flag} ${outside}`,
    );
  }
}

/** The real path of a folder that may not exist yet: its deepest existing parent resolved, the rest appended. */
function realpathLoose(path: string): string {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(realpathSync(current), ...rest.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") return path; // unresolvable: compare it as given
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(basename(current));
      current = parent;
    }
  }
}

/**
 * A run that stopped on an error the user can act on (a model service refusing every request, a
 * full disk): one line that says so and how to go on from the completed work. The report is
 * written first, to show what was done. Other errors (bugs) pass through unchanged.
 */
export async function stoppedRun(error: unknown, runDir: string, next: string): Promise<unknown> {
  const known =
    storageError(error, "free some space", runDir) ?? (error instanceof SkillgradError ? error : undefined);
  if (!known) return error;
  // the report is a view of the run: failing to write it (the disk is full) must not hide the cause
  await writeReport(runDir).catch(() => undefined);
  return new SkillgradError(`${known.message}; ${next}`, {
    exitCode: known.exitCode,
    cause: error,
  });
}
