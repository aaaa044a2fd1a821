import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { bullConnection, PREFIX, QUEUE_NAME } from "./redis.js";
import type { QueueAddress } from "./url.js";

/** What a worker says about itself every few seconds (it disappears when a worker stops beating). */
export interface WorkerRecord {
  name: string;
  host: string;
  pid: number;
  version: string;
  concurrency: number;
  /** Rollouts running now, and done / failed since the worker started. */
  running: number;
  done: number;
  failed: number;
  startedAt: string;
  seenAt: string;
}

export const workerKey = (name: string) => `${PREFIX}:worker:${name}`;

/** The workers whose heartbeat is current, by name. */
export async function listWorkers(redis: Redis): Promise<WorkerRecord[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", workerKey("*"), "COUNT", 200);
    cursor = next;
    keys.push(...found);
  } while (cursor !== "0");
  if (keys.length === 0) return [];
  const values = await redis.mget(...keys);
  return values
    .flatMap((value) => (value ? [JSON.parse(value) as WorkerRecord] : []))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface QueueDepth {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

/** How many rollout jobs wait, run, and are kept finished. */
export async function queueDepth(address: QueueAddress): Promise<QueueDepth> {
  const queue = new Queue(QUEUE_NAME, { connection: bullConnection(address), prefix: PREFIX });
  try {
    const counts = await queue.getJobCounts("waiting", "active", "delayed", "completed", "failed");
    return {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
  } finally {
    await queue.close();
  }
}
