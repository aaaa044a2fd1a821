import { lstat, readFile, realpath } from "node:fs/promises";
import { join, sep } from "node:path";
import { type EvalSummary, evaluate, type TaskResult } from "../eval/evaluate.js";
import type { Executor } from "../executor/types.js";
import type { Grader } from "../graders/index.js";
import type { ModelHub } from "../models/index.js";
import type { RunFolder } from "../runs/run-folder.js";
import type { SandboxMode } from "../sandbox/index.js";
import type { Skill } from "../skill/index.js";
import type { Task } from "../tasks/types.js";
import type { ComparedOutput, Side, SideRun } from "./types.js";

export const runKey = (taskId: string, repeat: number) => `${taskId}\u0000${repeat}`;

const FILES_READ = 5;
const FILE_BYTES_READ = 64 * 1024;

/** Small text files the agent wrote, read before its workspace is removed (symlinks are not followed). */
async function readWritten(workspace: string, files: string[]): Promise<ComparedOutput["files"]> {
  const root = await realpath(workspace).catch(() => workspace);
  const out: ComparedOutput["files"] = [];
  for (const [index, path] of files.entries()) {
    const full = join(root, path);
    const info = await lstat(full).catch(() => undefined);
    if (!info?.isFile()) continue;
    const entry: ComparedOutput["files"][number] = { path, size: info.size };
    const real = await realpath(full).catch(() => "");
    if (index < FILES_READ && info.size <= FILE_BYTES_READ && real.startsWith(`${root}${sep}`)) {
      const bytes = await readFile(full);
      const text = bytes.toString("utf8");
      if (!bytes.includes(0) && !text.includes("\uFFFD")) entry.text = text;
    }
    out.push(entry);
  }
  return out;
}

export interface RunSideOptions {
  side: Side;
  tasks: Task[];
  skill: Skill;
  hub: ModelHub;
  executor: Executor;
  executorModel: string;
  folder: RunFolder;
  concurrency: number;
  repeat: number;
  sandbox: SandboxMode;
  trustGraders: boolean;
  maxTurns: number;
  commandTimeoutSec: number;
  taskTimeoutSec: number;
  grader?: (task: Task) => Grader;
}

/**
 * Runs every task with one side's skill into `<side>/` of the compare run (an ordinary evaluation:
 * trajectories, grades), keeping the small text files each run wrote for the judge.
 */
export async function runSide(options: RunSideOptions): Promise<{ runs: SideRun[]; summary: EvalSummary }> {
  const written = new Map<string, ComparedOutput["files"]>();
  const inner = options.executor;
  const capturing: Executor = {
    kind: inner.kind,
    async run(request) {
      const run = await inner.run(request);
      written.set(runKey(run.taskId, run.repeat), await readWritten(run.workspace, run.files));
      return run;
    },
    close: async () => {}, // the caller closes the executor it made
  };
  const results: TaskResult[] = [];
  const summary = await evaluate({
    tasks: options.tasks,
    skill: options.skill,
    hub: options.hub,
    executorModel: options.executorModel,
    executor: capturing,
    folder: options.folder,
    subdir: options.side,
    concurrency: options.concurrency,
    repeat: options.repeat,
    sandbox: options.sandbox,
    trustGraders: options.trustGraders,
    maxTurns: options.maxTurns,
    commandTimeoutSec: options.commandTimeoutSec,
    taskTimeoutSec: options.taskTimeoutSec,
    ...(options.grader ? { grader: options.grader } : {}),
    onResult: (result) => results.push(result),
  });
  const runs = results.map((result) =>
    sideRunOf(result, written.get(runKey(result.taskId, result.repeat)) ?? filesOf(result)),
  );
  return { runs, summary };
}

function filesOf(result: Pick<TaskResult, "files">): ComparedOutput["files"] {
  return (result.files ?? []).map((path) => ({ path }));
}

function sideRunOf(
  result: Pick<TaskResult, "taskId" | "repeat" | "answer" | "outcome" | "pass" | "files">,
  files: ComparedOutput["files"],
): SideRun {
  return {
    taskId: result.taskId,
    repeat: result.repeat,
    pass: result.pass,
    output: { answer: result.answer, outcome: result.outcome, files },
  };
}

/** A side from an evaluation an earlier run kept (e.g. an optimize run's test/<version>/): no new task runs. */
export async function readSide(evaluationFile: string): Promise<SideRun[]> {
  const evaluation = JSON.parse(await readFile(evaluationFile, "utf8")) as { results: TaskResult[] };
  return evaluation.results.map((result) => sideRunOf(result, filesOf(result)));
}
