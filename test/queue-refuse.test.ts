import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BlobCache, InputRejected, sha256 } from "../src/queue/blobs.js";
import { packSkill, packTask } from "../src/queue/inputs.js";
import { JOB_FORMAT, type RolloutJob } from "../src/queue/job.js";
import { RedisInputStore } from "../src/queue/redis-store.js";
import { loadSkill } from "../src/skill/index.js";
import { loadTasks } from "../src/tasks/load.js";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/paths.js";
import { startWorkerProcess, type TestRedis, useRedis, type WorkerProcess } from "./helpers/redis.js";

// A worker checks every input it gets against its content hash and refuses a job whose inputs fail,
// and it runs agent code only in the sandbox. The model is the sim (an offline simulation).
const DB = 8;
const seedSkill = join(REPO, "examples", "sim-world", "skills", "csv-analyst");

let redis: TestRedis;
let client: Redis;
let queue: Queue;
let events: QueueEvents;
let tmp: string;
let worker: WorkerProcess;

beforeAll(async () => {
  redis = await useRedis();
  await redis.cli("-n", String(DB), "flushdb");
  tmp = await mkdtemp(join(tmpdir(), "sg-queue-refuse-"));
  client = new Redis({ host: redis.host, port: redis.port, db: DB, maxRetriesPerRequest: null });
  const connection = { host: redis.host, port: redis.port, db: DB, maxRetriesPerRequest: null };
  queue = new Queue("rollouts", { connection, prefix: "skillgrad" });
  events = new QueueEvents("rollouts", { connection, prefix: "skillgrad" });
  await events.waitUntilReady();
  worker = await startWorkerProcess(redis.url(DB), { name: "guard", cacheDir: join(tmp, "cache") });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await events?.close();
  await queue?.close();
  client?.disconnect();
  await redis?.stop();
});

/** A one-task job with a task file no worker has seen (so nothing comes from its cache). */
async function freshJob(): Promise<{ job: RolloutJob; fileSha: string }> {
  const dir = join(tmp, `task-${randomBytes(4).toString("hex")}`);
  await mkdir(dir);
  const csv = `name,amount\nA,${randomBytes(3).readUIntBE(0, 3)}\nB,5\n`;
  await writeFile(join(dir, "data.csv"), csv);
  await writeFile(
    join(dir, "tasks.jsonl"),
    `${JSON.stringify({ id: "t1", prompt: "data.csv: what is the total of amount?", files: ["data.csv"], expected: "1" })}\n`,
  );
  const [task] = await loadTasks(join(dir, "tasks.jsonl"));
  const store = new RedisInputStore(client);
  const skill = await loadSkill(seedSkill);
  const job: RolloutJob = {
    format: JOB_FORMAT,
    key: { run: `refuse-${randomBytes(3).toString("hex")}`, version: "x", task: "t1", repeat: 0 },
    inputs: "redis",
    skill: await packSkill(skill, store),
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
  job.key.version = job.skill?.hash ?? "none";
  return { job, fileSha: sha256(csv) };
}

async function outcome(data: unknown): Promise<{ ok: true; value: unknown } | { ok: false; reason: string }> {
  const job = await queue.add("rollout", data, { jobId: `test-${randomBytes(6).toString("hex")}` });
  try {
    return { ok: true, value: await job.waitUntilFinished(events, 60_000) };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

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
    expect(worker.output()).toMatch(/refused job test-\w+: task t1's input data\.csv failed its hash check/);
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
    const runsDir = join(tmp, "runs");
    const result = await runCli([
      "eval",
      "--skill",
      seedSkill,
      "--tasks",
      join(REPO, "examples", "sim-world", "tasks.jsonl"),
      "--model",
      "sim",
      "--sandbox",
      "none",
      "--runs-dir",
      runsDir,
      "--queue",
      redis.url(DB),
      "--quiet",
    ]);
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
    const dir = join(tmp, "cache-unit");
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
