import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, QueueEvents } from "bullmq";
import { afterAll, beforeAll } from "vitest";
import { sha256 } from "../../src/queue/blobs.js";
import type { InputStore } from "../../src/queue/input-store.js";
import { packSkill, packTask } from "../../src/queue/inputs.js";
import { JOB_FORMAT, type RolloutJob } from "../../src/queue/job.js";
import { loadSkill } from "../../src/skill/index.js";
import { loadTasks } from "../../src/tasks/load.js";
import { SEED_SKILL } from "./paths.js";
import { startWorkerProcess, type TestRedis, useRedis, type WorkerProcess } from "./redis.js";

/** What the queue tests share: a Redis, a scratch folder, workers, hand-made rollout jobs. */

export interface QueueSetup {
  redis: TestRedis;
  /** A scratch folder of the test file. */
  tmp: string;
  /** The workers, in the order they were asked for. */
  workers: WorkerProcess[];
}

export interface WorkerSpec {
  name: string;
  /** The database whose queue it serves (default: the file's). */
  db?: number;
  concurrency?: number;
  stallTimeoutSec?: number;
  extra?: string[];
}

/**
 * The set-up of a queue test file: before its tests, Redis with the file's databases emptied (each
 * file has its own, so files can run side by side), a scratch folder, whatever `prepare` puts in it
 * (a config file, a shared folder), then the workers, each with its own cache in the folder; after
 * them, the workers are stopped (SIGTERM) and Redis too when the file started it.
 */
export function useQueueWorkers(options: {
  db: number;
  /** More databases the file uses, emptied too. */
  moreDbs?: number[];
  tmpPrefix: string;
  prepare?: (tmp: string) => Promise<void>;
  workers: (tmp: string) => WorkerSpec[];
}): QueueSetup {
  const setup = { workers: [] as WorkerProcess[] } as QueueSetup;
  beforeAll(async () => {
    setup.redis = await useRedis();
    for (const db of [options.db, ...(options.moreDbs ?? [])])
      await setup.redis.cli("-n", String(db), "flushdb");
    setup.tmp = await mkdtemp(join(tmpdir(), options.tmpPrefix));
    await options.prepare?.(setup.tmp);
    for (const { name, db, concurrency, stallTimeoutSec, extra } of options.workers(setup.tmp)) {
      setup.workers.push(
        await startWorkerProcess(setup.redis.url(db ?? options.db), {
          name,
          concurrency: concurrency ?? 2,
          cacheDir: join(setup.tmp, `cache-${name}`),
          ...(stallTimeoutSec !== undefined ? { stallTimeoutSec } : {}),
          ...(extra ? { extra } : {}),
        }),
      );
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all(setup.workers.map((worker) => worker.stop()));
    await setup.redis?.stop();
  });
  return setup;
}

/** The rollout queue as BullMQ sees it, and its events; close both when done. */
export async function rolloutQueue(redis: TestRedis, db: number) {
  const connection = { host: redis.host, port: redis.port, db, maxRetriesPerRequest: null };
  const queue = new Queue("rollouts", { connection, prefix: "skillgrad" });
  const events = new QueueEvents("rollouts", { connection, prefix: "skillgrad" });
  await events.waitUntilReady();
  return {
    queue,
    events,
    /** Adds a job as the coordinator would, and waits for what the worker made of it. */
    async outcome(data: unknown): Promise<{ ok: true; value: unknown } | { ok: false; reason: string }> {
      const job = await queue.add("rollout", data, { jobId: `test-${randomBytes(6).toString("hex")}` });
      try {
        return { ok: true, value: await job.waitUntilFinished(events, 60_000) };
      } catch (error) {
        return { ok: false, reason: (error as Error).message };
      }
    },
    async close() {
      await events.close();
      await queue.close();
    },
  };
}

/**
 * A one-task rollout job of the sim world's seed skill, made by hand, whose task file (data.csv) no
 * worker has seen, so nothing comes from a worker's cache. Its inputs go to `store`.
 */
export async function freshJob(
  tmp: string,
  store: InputStore,
  inputs: RolloutJob["inputs"],
): Promise<{ job: RolloutJob; fileSha: string; csv: string }> {
  const dir = join(tmp, `task-${randomBytes(4).toString("hex")}`);
  await mkdir(dir);
  const csv = `name,amount\nA,${randomBytes(3).readUIntBE(0, 3)}\nB,5\n`;
  await writeFile(join(dir, "data.csv"), csv);
  await writeFile(
    join(dir, "tasks.jsonl"),
    `${JSON.stringify({ id: "t1", prompt: "data.csv: what is the total of amount?", files: ["data.csv"], expected: "1" })}\n`,
  );
  const [task] = await loadTasks(join(dir, "tasks.jsonl"));
  const skill = await packSkill(await loadSkill(SEED_SKILL), store);
  const job: RolloutJob = {
    format: JOB_FORMAT,
    key: { run: `hand-${randomBytes(3).toString("hex")}`, version: skill.hash, task: "t1", repeat: 0 },
    inputs,
    skill,
    task: await packTask(task as NonNullable<typeof task>, store, { exclude: [] }),
    models: { executor: "sim" },
    executor: "builtin",
    sandbox: "auto",
    trustGraders: false,
    maxTurns: 10,
    commandTimeoutSec: 30,
    taskTimeoutSec: 60,
    cache: false,
    hub: {},
  };
  return { job, fileSha: sha256(csv), csv };
}

/** What two evals of the same tasks and model must agree on, wherever their rollouts ran. */
export function gradeFigures(summary: {
  passes: number;
  passRate: number;
  meanScore: number;
  outcomes: unknown;
}) {
  return [summary.passes, summary.passRate, summary.meanScore, summary.outcomes];
}
