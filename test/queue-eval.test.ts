import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/paths.js";
import { startWorkerProcess, type TestRedis, useRedis, type WorkerProcess } from "./helpers/redis.js";

// Rollouts on queue workers through a real Redis: the same grades as a local run. The model is the
// sim (an offline simulation, not a language model).
const DB = 1;
const world = join(REPO, "examples", "sim-world");
const simEval = (runsDir: string, ...extra: string[]) => [
  "eval",
  "--skill",
  join(world, "skills", "csv-analyst"),
  "--tasks",
  join(world, "tasks.jsonl"),
  "--model",
  "sim:noise=0.1,seed=5",
  "--runs-dir",
  runsDir,
  "--json",
  ...extra,
];

interface ResultLine {
  taskId: string;
  repeat: number;
  pass: boolean;
  score: number;
  answer: string;
  outcome: string;
  feedback: string;
  trajectory: string;
}

async function runDir(runsDir: string): Promise<string> {
  const runs = (await readdir(runsDir)).filter((name) => !name.startsWith("."));
  expect(runs).toHaveLength(1);
  return join(runsDir, runs[0] as string);
}

async function results(dir: string): Promise<ResultLine[]> {
  const text = await readFile(join(dir, "results.jsonl"), "utf8");
  return text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as ResultLine);
}

const byRollout = (lines: ResultLine[]) =>
  Object.fromEntries(
    lines.map((r) => [
      `${r.taskId}/r${r.repeat}`,
      { pass: r.pass, score: r.score, answer: r.answer, outcome: r.outcome, feedback: r.feedback },
    ]),
  );

let redis: TestRedis;
let tmp: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await useRedis();
  await redis.cli("-n", String(DB), "flushdb");
  tmp = await mkdtemp(join(tmpdir(), "sg-queue-eval-"));
  for (const name of ["wa", "wb", "wc"]) {
    workers.push(
      await startWorkerProcess(redis.url(DB), { name, concurrency: 2, cacheDir: join(tmp, `cache-${name}`) }),
    );
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await redis?.stop();
});

describe("eval on three queue workers (sim: a simulation)", () => {
  it("lists the three workers and an empty queue", async () => {
    const listed = await runCli(["workers", "--queue", redis.url(DB), "--json"]);
    expect(listed.code).toBe(0);
    const status = JSON.parse(listed.stdout);
    expect(status.workers.map((w: { name: string }) => w.name)).toEqual(["wa", "wb", "wc"]);
    expect(status.workers[0]).toMatchObject({ concurrency: 2, running: 0, pid: expect.any(Number) });
    expect(status.depth).toMatchObject({ waiting: 0, active: 0 });
    const text = await runCli(["workers", "--queue", redis.url(DB)]);
    expect(text.stdout).toMatch(/^wa +\S+ +\d+ +2 +0 +0 +0/m);
    expect(text.stdout).toMatch(/rollouts: 0 waiting, 0 running/);
  });

  it("grades every task as a local run does, each rollout once", async () => {
    const local = await runCli(simEval(join(tmp, "local"), "--repeat", "2"), { timeoutMs: 180_000 });
    expect(local.code, local.stderr).toBe(0);
    const queued = await runCli(simEval(join(tmp, "queued"), "--repeat", "2", "--queue", redis.url(DB)), {
      timeoutMs: 180_000,
    });
    expect(queued.code, queued.stderr).toBe(0);
    const a = JSON.parse(local.stdout);
    const b = JSON.parse(queued.stdout);
    expect(b).toMatchObject({ tasks: 60, runs: 120, status: "done", executor: "builtin" });
    expect([b.passes, b.passRate, b.meanScore, b.outcomes]).toEqual([
      a.passes,
      a.passRate,
      a.meanScore,
      a.outcomes,
    ]);

    const queuedDir = await runDir(join(tmp, "queued"));
    const localResults = await results(await runDir(join(tmp, "local")));
    const queuedResults = await results(queuedDir);
    // every rollout once, with the same grade, answer and feedback as the local run
    expect(queuedResults).toHaveLength(120);
    expect(new Set(queuedResults.map((r) => `${r.taskId}/r${r.repeat}`)).size).toBe(120);
    expect(byRollout(queuedResults)).toEqual(byRollout(localResults));

    // the workers' ledger lines are in the run's ledger, tagged with the rollout and the worker
    const ledger = (await readFile(join(queuedDir, "ledger.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(ledger.length).toBe(b.calls);
    expect(ledger.every((entry) => entry.rollout && ["wa", "wb", "wc"].includes(entry.rollout.worker))).toBe(
      true,
    );
    expect(new Set(ledger.map((entry) => entry.rollout.worker)).size).toBe(3);
    const config = JSON.parse(await readFile(join(queuedDir, "config.json"), "utf8"));
    expect(config.queue).toBe(redis.url(DB));
    // a trajectory came back whole
    const trajectory = JSON.parse(
      await readFile(join(queuedDir, queuedResults[0]?.trajectory ?? ""), "utf8"),
    );
    expect(trajectory.steps.length).toBeGreaterThan(0);

    // the finished run's jobs are gone from Redis; its inputs stay, by hash
    const status = JSON.parse((await runCli(["workers", "--queue", redis.url(DB), "--json"])).stdout);
    expect(status.depth).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0 });
  }, 240_000);
});
