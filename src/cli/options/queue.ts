import type { Command } from "commander";
import { UsageError } from "../../errors.js";

export interface QueueOptions {
  /** Redis URL: rollouts go to queue workers (skillgrad worker) instead of running here. */
  queue?: string;
  /** With --queue: a shared folder for the rollouts' inputs instead of Redis. */
  inputStore?: string;
}

export function addQueueOptions(command: Command): Command {
  return command
    .option(
      "--queue <url>",
      "run the rollouts on queue workers (skillgrad worker) through Redis: redis://host[:port][/db] (user:password@host to log in), or rediss:// for TLS",
    )
    .option(
      "--input-store <dir>",
      "with --queue: put the rollouts' inputs (skill versions, task files) in this shared folder (e.g. an NFS mount every worker has; give each worker --input-store too) instead of Redis",
    );
}

/**
 * The queue of --queue (with --input-store, its inputs' folder): its code and its packages are
 * loaded only then, so a local run needs neither Redis nor its client. Undefined for a local run.
 */
export async function openQueue(options: QueueOptions) {
  if (options.queue === undefined) {
    if (options.inputStore !== undefined)
      throw new UsageError(
        "--input-store is where queue workers find the run's inputs: use it with --queue URL (a local run reads them where they are)",
      );
    return undefined;
  }
  const { loadQueue } = await import("../../queue/load.js");
  const { QueueSession } = await loadQueue();
  return QueueSession.open(
    options.queue,
    options.inputStore === undefined ? {} : { inputStore: options.inputStore },
  );
}

/** For a command whose agents always run here: --queue (and --input-store) are refused rather than ignored. */
export function refuseQueue(options: QueueOptions, command: string): void {
  for (const [flag, value] of [
    ["--queue", options.queue],
    ["--input-store", options.inputStore],
  ] as const)
    if (value !== undefined)
      throw new UsageError(
        `${command} runs its agents on this machine: ${flag} goes with eval and optimize; leave it out`,
      );
}
