import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pricedConfig, runCli, simWorldEval } from "./helpers/cli.js";
import { rolloutQueue, useQueueWorkers } from "./helpers/queue.js";
import type { WorkerProcess } from "./helpers/redis.js";
import { onlyRun, readJsonLines } from "./helpers/run-files.js";

// A worker killed by SIGKILL in the middle of rollouts: every task is still graded exactly once and no
// call is paid twice in the run's ledger and summary. The sim (an offline simulation) answers each call
// after 500 ms and is priced here (dollars per million tokens), so that a call paid twice would show.
const DB = 3;
const MODEL = "sim:latency=500";

let config: string;
const setup = useQueueWorkers({
  db: DB,
  tmpPrefix: "sg-queue-kill-",
  prepare: async (tmp) => {
    config = await pricedConfig(tmp, MODEL);
  },
  workers: () => ["doomed", "survivor"].map((name) => ({ name, concurrency: 3, stallTimeoutSec: 3 })),
});

const evalArgs = (runsDir: string, ...extra: string[]) =>
  simWorldEval(MODEL, runsDir, "--config", config, "--no-cache", "--json", ...extra);

describe("a worker killed mid-rollout (sim: a simulation)", () => {
  it("leaves every task graded once and every call paid once", async () => {
    const { redis, tmp } = setup;
    const local = await runCli(evalArgs(join(tmp, "local"), "--concurrency", "8"), { timeoutMs: 240_000 });
    expect(local.code, local.stderr).toBe(0);
    const expected = JSON.parse(local.stdout);
    expect(expected.costUsd).toBeGreaterThan(0);

    const rollouts = await rolloutQueue(redis, DB);
    const { queue, events } = rollouts;
    const stalled = new Set<string>();
    events.on("stalled", ({ jobId }) => stalled.add(jobId));
    try {
      // in the background: the promise settles when it exits
      const running = runCli(evalArgs(join(tmp, "queued"), "--queue", redis.url(DB)), { timeoutMs: 340_000 });
      // kill the worker while it holds a rollout that has been running long enough to have paid a call
      const doomed = setup.workers[0] as WorkerProcess;
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

      const dir = await onlyRun(join(tmp, "queued"));
      const results: Array<{ taskId: string; repeat: number; pass: boolean }> = await readJsonLines(
        join(dir, "results.jsonl"),
      );
      expect(results).toHaveLength(60);
      expect(new Set(results.map((r) => r.taskId)).size).toBe(60);
      const localResults: Array<{ taskId: string; pass: boolean }> = await readJsonLines(
        join(await onlyRun(join(tmp, "local")), "results.jsonl"),
      );
      const passes = (lines: Array<{ taskId: string; pass: boolean }>) =>
        Object.fromEntries(lines.map((r) => [r.taskId, r.pass]));
      expect(passes(results)).toEqual(passes(localResults));

      // the killed rollouts went back to the queue and were finished by the other worker
      for (const victim of victims) expect(stalled.has(victim), victim).toBe(true);
      const ledger: Array<{ rollout: { worker: string; key: string } }> = await readJsonLines(
        join(dir, "ledger.jsonl"),
      );
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
      await rollouts.close();
    }
  }, 360_000);
});
