import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, type CliResult, runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/paths.js";
import { startWorkerProcess, type TestRedis, useRedis, type WorkerProcess } from "./helpers/redis.js";

// A worker killed by SIGKILL in the middle of rollouts: every task is still graded exactly once and no
// call is paid twice in the run's ledger and summary. The sim (an offline simulation) answers each call
// after 500 ms and is priced here, so every rollout has a cost.
const DB = 3;
const MODEL = "sim:latency=500";
const world = join(REPO, "examples", "sim-world");

let redis: TestRedis;
let tmp: string;
let config: string;
const workers: WorkerProcess[] = [];

const evalArgs = (runsDir: string, ...extra: string[]) => [
  "eval",
  "--skill",
  join(world, "skills", "csv-analyst"),
  "--tasks",
  join(world, "tasks.jsonl"),
  "--model",
  MODEL,
  "--config",
  config,
  "--no-cache",
  "--runs-dir",
  runsDir,
  "--json",
  ...extra,
];

/** Runs the CLI in the background; the promise settles when it exits. */
function startCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function runFolder(runsDir: string): Promise<string> {
  const [run] = (await readdir(runsDir)).filter((name) => !name.startsWith("."));
  return join(runsDir, run as string);
}

async function jsonLines<T>(path: string): Promise<T[]> {
  return (await readFile(path, "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as T);
}

beforeAll(async () => {
  redis = await useRedis();
  await redis.cli("-n", String(DB), "flushdb");
  tmp = await mkdtemp(join(tmpdir(), "sg-queue-kill-"));
  config = join(tmp, "config.json");
  // dollars per million tokens, so that a call paid twice would show in the totals
  await writeFile(
    config,
    JSON.stringify({ prices: { [MODEL]: { input: 3, cachedInput: 0.3, output: 15 } } }),
  );
  for (const name of ["doomed", "survivor"]) {
    workers.push(
      await startWorkerProcess(redis.url(DB), {
        name,
        concurrency: 3,
        cacheDir: join(tmp, `cache-${name}`),
        stallTimeoutSec: 3,
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await redis?.stop();
});

describe("a worker killed mid-rollout (sim: a simulation)", () => {
  it("leaves every task graded once and every call paid once", async () => {
    const local = await runCli(evalArgs(join(tmp, "local"), "--concurrency", "8"), { timeoutMs: 240_000 });
    expect(local.code, local.stderr).toBe(0);
    const expected = JSON.parse(local.stdout);
    expect(expected.costUsd).toBeGreaterThan(0);

    const connection = { host: redis.host, port: redis.port, db: DB, maxRetriesPerRequest: null };
    const queue = new Queue("rollouts", { connection, prefix: "skillgrad" });
    const events = new QueueEvents("rollouts", { connection, prefix: "skillgrad" });
    const stalled = new Set<string>();
    events.on("stalled", ({ jobId }) => stalled.add(jobId));
    await events.waitUntilReady();
    try {
      const running = startCli(evalArgs(join(tmp, "queued"), "--queue", redis.url(DB)));
      // kill the worker while it holds a rollout that has been running long enough to have paid a call
      const doomed = workers[0] as WorkerProcess;
      let victims: string[] = [];
      for (let i = 0; i < 1200 && victims.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const active = await queue.getActive();
        victims = active
          .filter((job) => job.processedBy === "doomed" && Date.now() - (job.processedOn ?? Date.now()) > 800)
          .map((job) => job.id as string);
      }
      expect(victims.length, "the worker never held a rollout long enough").toBeGreaterThan(0);
      doomed.child.kill("SIGKILL");
      await doomed.exited;

      const result = await running;
      expect(result.code, result.stderr).toBe(0);
      const summary = JSON.parse(result.stdout);
      // the same grades, and the same dollars and calls, as the local run: nothing counted twice
      expect(summary).toMatchObject({ tasks: 60, runs: 60, status: "done", passes: expected.passes });
      expect(summary.costUsd).toBe(expected.costUsd);
      expect(summary.calls).toBe(expected.calls);
      expect(summary.tokens).toEqual(expected.tokens);

      const dir = await runFolder(join(tmp, "queued"));
      const results = await jsonLines<{ taskId: string; repeat: number; pass: boolean }>(
        join(dir, "results.jsonl"),
      );
      expect(results).toHaveLength(60);
      expect(new Set(results.map((r) => r.taskId)).size).toBe(60);
      const localResults = await jsonLines<{ taskId: string; pass: boolean }>(
        join(await runFolder(join(tmp, "local")), "results.jsonl"),
      );
      const passes = (lines: Array<{ taskId: string; pass: boolean }>) =>
        Object.fromEntries(lines.map((r) => [r.taskId, r.pass]));
      expect(passes(results)).toEqual(passes(localResults));

      // the killed rollouts went back to the queue and were finished by the other worker
      for (const victim of victims) expect(stalled.has(victim), victim).toBe(true);
      const ledger = await jsonLines<{ rollout: { worker: string; key: string } }>(join(dir, "ledger.jsonl"));
      expect(ledger).toHaveLength(expected.calls);
      const perRollout = new Map<string, Set<string>>();
      for (const entry of ledger) {
        const workersOf = perRollout.get(entry.rollout.key) ?? new Set();
        workersOf.add(entry.rollout.worker);
        perRollout.set(entry.rollout.key, workersOf);
      }
      // one attempt per rollout in the ledger, never lines of two workers for one rollout
      expect(perRollout.size).toBe(60);
      for (const [key, by] of perRollout) expect(by.size, key).toBe(1);
      // the killed attempt's paid calls are not in the ledger, and the run says what they cost
      expect(result.stderr).toMatch(/note: \$\d+\.\d{4} was spent by worker attempts that did not finish/);
    } finally {
      await events.close();
      await queue.close();
    }
  }, 360_000);
});
