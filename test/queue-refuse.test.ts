import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobCache, InputRejected } from "../src/queue/blobs.js";
import type { RolloutJob } from "../src/queue/job.js";
import { RedisInputStore } from "../src/queue/redis-store.js";
import { runCli, simWorldEval } from "./helpers/cli.js";
import { freshJob as handMadeJob, rolloutQueue, useQueueWorkers } from "./helpers/queue.js";

// A worker checks every input it gets against its content hash and refuses a job whose inputs fail,
// and it runs agent code only in the sandbox. The model is the sim (an offline simulation).
const DB = 8;

const setup = useQueueWorkers({ db: DB, tmpPrefix: "sg-queue-refuse-", workers: () => [{ name: "guard" }] });
let client: Redis;
let rollouts: Awaited<ReturnType<typeof rolloutQueue>>;

beforeAll(async () => {
  client = new Redis({ host: setup.redis.host, port: setup.redis.port, db: DB, maxRetriesPerRequest: null });
  rollouts = await rolloutQueue(setup.redis, DB);
});

afterAll(async () => {
  await rollouts?.close();
  client?.disconnect();
});

/** A one-task job with a task file no worker has seen, its inputs in Redis. */
const freshJob = () => handMadeJob(setup.tmp, new RedisInputStore(client), "redis");
const outcome = (data: unknown) => rollouts.outcome(data);

describe("a worker's checks (sim: a simulation)", () => {
  it("runs a well-formed job, checking its inputs by hash", async () => {
    const { job } = await freshJob();
    const result = await outcome(job);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect((result as { value: { grade: { feedback: string } } }).value.grade.feedback).toBeTruthy();
  });

  it("refuses a job whose task file in Redis does not match its hash", async () => {
    const { job, fileSha } = await freshJob();
    await client.set(`skillgrad:blob:${fileSha}`, "name,amount\nA,999999\n");
    const result = await outcome(job);
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/^\[skillgrad:refused\] task t1's input data\.csv failed its hash check/),
    });
    expect(setup.workers[0]?.output()).toMatch(
      /refused job test-\w+: task t1's input data\.csv failed its hash check/,
    );
  });

  it("refuses a skill version whose files are not the version named", async () => {
    const { job } = await freshJob();
    const forged = {
      ...job,
      skill: { ...(job.skill as NonNullable<RolloutJob["skill"]>), hash: "f".repeat(64) },
    };
    const result = await outcome(forged);
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/^\[skillgrad:refused\] skill csv-analyst failed its hash check/),
    });
  });

  it("refuses a job of another format, and one that asks for no sandbox", async () => {
    const { job } = await freshJob();
    const old = await outcome({ ...job, format: 0 });
    expect(old).toEqual({
      ok: false,
      reason: expect.stringMatching(/^\[skillgrad:refused\] the job is of format 0/),
    });
    const unsandboxed = await outcome({ ...job, sandbox: "none" });
    expect(unsandboxed).toEqual({
      ok: false,
      reason: expect.stringMatching(/^\[skillgrad:refused\] the run asks for no sandbox/),
    });
  });

  it("eval --sandbox none stops with the worker's refusal, in one line", async () => {
    const runsDir = join(setup.tmp, "runs");
    const result = await runCli(
      simWorldEval("sim", runsDir, "--sandbox", "none", "--queue", setup.redis.url(DB), "--quiet"),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^skillgrad: a worker refused task sim-\d+: the run asks for no sandbox \(--sandbox none\).*--allow-no-sandbox/,
    );
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    const [run] = (await readdir(runsDir)).filter((name) => !name.startsWith("."));
    const events = await readFile(join(runsDir, run as string, "events.jsonl"), "utf8");
    expect(events).toContain('"type":"eval-stopped"');
  });
});

describe("the worker's input cache", () => {
  it("fetches again a cached copy that no longer matches its hash, and refuses bytes that do not", async () => {
    const store = new RedisInputStore(client);
    const dir = join(setup.tmp, "cache-unit");
    const cache = new BlobCache(dir, store);
    const sha = await store.put(Buffer.from("hello queue"), "a test input");
    const path = await cache.file(sha, "a test input");
    expect(await readFile(path, "utf8")).toBe("hello queue");
    await writeFile(path, "damaged");
    expect(await readFile(await cache.file(sha, "a test input"), "utf8")).toBe("hello queue");
    await client.set(`skillgrad:blob:${sha}`, "forged");
    await writeFile(path, "damaged again");
    await expect(cache.file(sha, "a test input")).rejects.toBeInstanceOf(InputRejected);
    await expect(cache.file("0".repeat(64), "a missing input")).rejects.toThrow(
      /is not in the queue's Redis: it expired or was never sent/,
    );
  });
});
