import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, simWorldEval } from "./helpers/cli.js";
import { gradeFigures, useQueueWorkers } from "./helpers/queue.js";
import { gradesByRollout, onlyRun, readJsonLines } from "./helpers/run-files.js";

// Rollouts on queue workers through a real Redis: the same grades as a local run. The model is the
// sim (an offline simulation, not a language model).
const DB = 1;
const MODEL = "sim:noise=0.1,seed=5";
const setup = useQueueWorkers({
  db: DB,
  tmpPrefix: "sg-queue-eval-",
  workers: () => ["wa", "wb", "wc"].map((name) => ({ name, concurrency: 2 })),
});

describe("eval on three queue workers (sim: a simulation)", () => {
  it("lists the three workers and an empty queue", async () => {
    const listed = await runCli(["workers", "--queue", setup.redis.url(DB), "--json"]);
    expect(listed.code).toBe(0);
    const status = JSON.parse(listed.stdout);
    expect(status.workers.map((w: { name: string }) => w.name)).toEqual(["wa", "wb", "wc"]);
    expect(status.workers[0]).toMatchObject({ concurrency: 2, running: 0, pid: expect.any(Number) });
    expect(status.depth).toMatchObject({ waiting: 0, active: 0 });
    const text = await runCli(["workers", "--queue", setup.redis.url(DB)]);
    expect(text.stdout).toMatch(/^wa +\S+ +\d+ +2 +0 +0 +0/m);
    expect(text.stdout).toMatch(/rollouts: 0 waiting, 0 running/);
  });

  it("grades every task as a local run does, each rollout once", async () => {
    const { tmp } = setup;
    const local = await runCli(simWorldEval(MODEL, join(tmp, "local"), "--repeat", "2", "--json"), {
      timeoutMs: 180_000,
    });
    expect(local.code, local.stderr).toBe(0);
    const queued = await runCli(
      simWorldEval(MODEL, join(tmp, "queued"), "--repeat", "2", "--queue", setup.redis.url(DB), "--json"),
      { timeoutMs: 180_000 },
    );
    expect(queued.code, queued.stderr).toBe(0);
    const a = JSON.parse(local.stdout);
    const b = JSON.parse(queued.stdout);
    expect(b).toMatchObject({ tasks: 60, runs: 120, status: "done", executor: "builtin" });
    expect(gradeFigures(b)).toEqual(gradeFigures(a));

    const queuedDir = await onlyRun(join(tmp, "queued"));
    const queuedResults = await readJsonLines(join(queuedDir, "results.jsonl"));
    // every rollout once, with the same grade, answer and feedback as the local run
    expect(queuedResults).toHaveLength(120);
    expect(new Set(queuedResults.map((r) => `${r.taskId}/r${r.repeat}`)).size).toBe(120);
    expect(await gradesByRollout(queuedDir)).toEqual(
      await gradesByRollout(await onlyRun(join(tmp, "local"))),
    );

    // the workers' ledger lines are in the run's ledger, tagged with the rollout and the worker
    const ledger = await readJsonLines(join(queuedDir, "ledger.jsonl"));
    expect(ledger.length).toBe(b.calls);
    expect(ledger.every((entry) => entry.rollout && ["wa", "wb", "wc"].includes(entry.rollout.worker))).toBe(
      true,
    );
    expect(new Set(ledger.map((entry) => entry.rollout.worker)).size).toBe(3);
    const config = JSON.parse(await readFile(join(queuedDir, "config.json"), "utf8"));
    expect(config.queue).toBe(setup.redis.url(DB));
    // a trajectory came back whole
    const trajectory = JSON.parse(
      await readFile(join(queuedDir, queuedResults[0]?.trajectory ?? ""), "utf8"),
    );
    expect(trajectory.steps.length).toBeGreaterThan(0);

    // the finished run's jobs are gone from Redis; its inputs stay, by hash
    const status = JSON.parse((await runCli(["workers", "--queue", setup.redis.url(DB), "--json"])).stdout);
    expect(status.depth).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0 });
  }, 240_000);
});
