import type { Command } from "commander";
import { loadBenchmark } from "../../benchmarks/registry.js";
import type { Benchmark } from "../../benchmarks/types.js";
import { UsageError } from "../../errors.js";
import { loadTasks } from "../../tasks/load.js";
import type { Task } from "../../tasks/types.js";

/** --tasks FILE or --bench NAME (with --data DIR): the tasks a run uses. */
export interface TaskSourceOptions {
  tasks?: string;
  bench?: string;
  data?: string;
}

/** Where a run's tasks come from, as its config keeps it. */
export type TaskSource = { tasks: string } | { bench: string; data?: string };

/** The three flags; their texts are the command's, for what its tasks are for. */
export function addTaskSourceOptions(
  command: Command,
  help: { tasks: string; bench: string; data: string },
): Command {
  return command
    .option("--tasks <file>", help.tasks)
    .option("--bench <name>", help.bench)
    .option("--data <dir>", help.data);
}

/** The source the flags name: exactly one of --tasks and --bench, and --data only with --bench. */
export function taskSourceOf(options: TaskSourceOptions): TaskSource {
  if ((options.tasks === undefined) === (options.bench === undefined))
    throw new UsageError(
      "give exactly one of --tasks FILE (your own tasks) and --bench NAME (a benchmark: see skillgrad bench list)",
    );
  if (options.data !== undefined && options.bench === undefined)
    throw new UsageError("--data goes with --bench; a --tasks file names its own files");
  if (options.tasks !== undefined) return { tasks: options.tasks };
  return { bench: options.bench as string, ...(options.data !== undefined ? { data: options.data } : {}) };
}

/** The tasks of a source; a benchmark's also come with its grader and seed skill. */
export async function loadTaskSource(source: TaskSource): Promise<{ tasks: Task[]; benchmark?: Benchmark }> {
  if ("tasks" in source) return { tasks: await loadTasks(source.tasks) };
  const benchmark = await loadBenchmark(source.bench);
  return {
    tasks: await benchmark.loadTasks(source.data === undefined ? {} : { data: source.data }),
    benchmark,
  };
}

/** A benchmark's grader for each task, or none: the tasks' own graders decide. */
export function benchmarkGrader(benchmark: Benchmark | undefined) {
  return benchmark ? (task: Task) => benchmark.grader(task) : undefined;
}
