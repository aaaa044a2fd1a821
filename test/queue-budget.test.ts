import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pricedConfig, runCli, simOptimize, simWorldEval } from "./helpers/cli.js";
import { useQueueWorkers } from "./helpers/queue.js";
import { onlyRun, readJsonLines } from "./helpers/run-files.js";

// --max-calls and --max-cost hold across all workers: the run's spend is counted in Redis by every
// process that works for it. The sim (an offline simulation) is priced here and answers after 100 ms.
const DB = 7;
const MODEL = "sim:latency=100";

let config: string;
const setup = useQueueWorkers({
  db: DB,
  tmpPrefix: "sg-queue-budget-",
  prepare: async (tmp) => {
    config = await pricedConfig(tmp, MODEL);
  },
  workers: () => ["b1", "b2", "b3"].map((name) => ({ name, concurrency: 2 })),
});

const evalArgs = (runsDir: string, ...extra: string[]) =>
  simWorldEval(MODEL, runsDir, "--config", config, "--no-cache", "--json", ...extra);

interface LedgerLine {
  cacheHit: boolean;
  costUsd: number;
  rollout?: { key: string; worker: string };
}

async function ledgerOf(runsDir: string): Promise<LedgerLine[]> {
  return readJsonLines(join(await onlyRun(runsDir), "ledger.jsonl"));
}

describe("budgets across queue workers (sim: a simulation)", () => {
  it("--max-calls: the workers together make exactly as many calls as allowed, and the run stops cleanly", async () => {
    const result = await runCli(
      evalArgs(join(setup.tmp, "calls"), "--max-calls", "40", "--queue", setup.redis.url(DB)),
      {
        timeoutMs: 180_000,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe("stopped");
    expect(summary.stopReason).toMatch(/budget reached: 40 model calls of at most 40/);
    expect(summary.runs).toBeLessThan(60);
    expect(summary.runs + summary.notRun).toBe(60);
    // every call any worker made is in the ledger (finished rollouts and the attempts the budget cut
    // short), and there are exactly 40 of them
    const ledger = await ledgerOf(join(setup.tmp, "calls"));
    const paid = ledger.filter((entry) => !entry.cacheHit);
    expect(paid).toHaveLength(40);
    expect(summary.calls).toBe(40);
    expect(new Set(paid.map((entry) => entry.rollout?.worker)).size).toBeGreaterThan(1);
  }, 240_000);

  it("--max-cost: the run stops once the workers together spent the cap (overshot only by calls in flight)", async () => {
    const full = await runCli(evalArgs(join(setup.tmp, "full"), "--queue", setup.redis.url(DB)), {
      timeoutMs: 180_000,
    });
    expect(full.code, full.stderr).toBe(0);
    const fullCost = JSON.parse(full.stdout).costUsd as number;
    const cap = Math.round(fullCost * 0.3 * 1e6) / 1e6;
    const result = await runCli(
      evalArgs(join(setup.tmp, "cost"), "--max-cost", String(cap), "--queue", setup.redis.url(DB)),
      { timeoutMs: 180_000 },
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe("stopped");
    expect(summary.stopReason).toMatch(/budget reached: \$[\d.]+ spent of at most/);
    const ledger = await ledgerOf(join(setup.tmp, "cost"));
    const spent = ledger.reduce((sum, entry) => sum + entry.costUsd, 0);
    const dearest = Math.max(...ledger.map((entry) => entry.costUsd));
    expect(spent).toBeGreaterThanOrEqual(cap);
    // 3 workers × 2 slots: at most 6 calls can be in flight when the cap is reached
    expect(spent).toBeLessThanOrEqual(cap + 6 * dearest + 1e-9);
    expect(summary.costUsd).toBeCloseTo(spent, 6);
    expect(summary.runs).toBeLessThan(45);
  }, 360_000);

  it("an optimize run stopped by its budget goes on, under a larger one, from the rollouts it has", async () => {
    const args = simOptimize(
      MODEL,
      "--config",
      config,
      "--runs-dir",
      join(setup.tmp, "optimize"),
      "--queue",
      setup.redis.url(DB),
      "--json",
    );
    const stopped = await runCli([...args, "--max-calls", "60"], { timeoutMs: 240_000 });
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ status: "stopped", stoppedBy: "budget" });
    const runDir = await onlyRun(join(setup.tmp, "optimize"));
    const run = runDir.split("/").at(-1) as string;
    const atStop = (await ledgerOf(join(setup.tmp, "optimize"))).filter((entry) => !entry.cacheHit).length;
    expect(atStop).toBe(60);

    const resumed = await runCli(["optimize", "--resume", runDir, "--max-calls", "100000", "--json"], {
      timeoutMs: 300_000,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: "done" });
    // the rollouts of this run that the budget stopped ran again on resume
    const logs = setup.workers.map((worker) => worker.output()).join("\n");
    const cut = [...logs.matchAll(/: (\S+): stopped: budget reached/g)]
      .map((m) => m[1] as string)
      .filter((key) => key.startsWith(`${run}/`));
    expect(cut.length).toBeGreaterThan(0);
    for (const key of cut)
      expect(logs).toMatch(new RegExp(`${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: (pass|fail) \\(`));
  }, 600_000);
});
