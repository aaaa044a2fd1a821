import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import type { QueueSession } from "../../queue/session.js";

export interface QueueOptions {
  /** Redis URL: rollouts go to queue workers (skillgrad worker) instead of running here. */
  queue?: string;
}

export function addQueueOption(command: Command): Command {
  return command.option(
    "--queue <url>",
    "run the rollouts on queue workers (skillgrad worker) through Redis: redis://host[:port][/db] (user:password@host to log in), or rediss:// for TLS",
  );
}

/** Connects to the queue when there is one; the queue code (and Redis's client) loads only then. */
export async function openQueue(url: string | undefined): Promise<QueueSession | undefined> {
  if (url === undefined) return undefined;
  return (await import("../../queue/session.js")).QueueSession.open(url);
}

/** For a command whose agents always run here: --queue is refused rather than ignored. */
export function refuseQueue(options: QueueOptions, command: string): void {
  if (options.queue !== undefined)
    throw new UsageError(
      `${command} runs its agents on this machine: --queue goes with eval and optimize; leave it out`,
    );
}
