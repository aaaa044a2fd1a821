import type { Redis } from "ioredis";
import type { LedgerEntry } from "../models/index.js";
import { PREFIX } from "./redis.js";

/**
 * Ledger lines of attempts that failed on a worker (a budget reached mid-rollout, a refused key):
 * their calls were paid, so the worker leaves them in Redis and the coordinator moves them into
 * the run's ledger, each line once.
 */
const unfinishedKey = (run: string) => `${PREFIX}:run:${run}:unfinished`;
const UNFINISHED_TTL_SEC = 30 * 24 * 3600;

export async function pushUnfinished(
  redis: Redis,
  run: string,
  rollout: NonNullable<LedgerEntry["rollout"]>,
  ledger: LedgerEntry[],
): Promise<void> {
  const key = unfinishedKey(run);
  await redis
    .multi()
    .rpush(key, ...ledger.map((entry) => JSON.stringify({ ...entry, rollout })))
    .expire(key, UNFINISHED_TTL_SEC)
    .exec();
}

/** Takes (and removes) the lines left for a run. */
export async function takeUnfinished(redis: Redis, run: string): Promise<unknown[]> {
  const key = unfinishedKey(run);
  const replies = await redis.multi().lrange(key, 0, -1).del(key).exec();
  const lines = (replies?.[0]?.[1] ?? []) as string[];
  return lines.map((line) => JSON.parse(line) as unknown);
}
