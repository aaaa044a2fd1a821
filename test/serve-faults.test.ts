// eval and optimize through `skillgrad serve --model sim` with 20% injected faults: every task is
// graded once, the faults show up as retries in the run's ledger, and no model call that completed
// is paid twice (serve answers a repeat of an answered request from its cache).
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type LedgerEntry, readLedger } from "../src/models/index.js";
import { readServeLedger, type ServeLedgerLine } from "../src/serve/index.js";
import { runCli } from "./helpers/cli.js";
import { type ServeProcess, startServe } from "./helpers/serve.js";

let dir: string;
let config: string;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "serve-faults-"));
  // a held ("timeout") request is given up after 2 s; enough retries that 20% faults always pass
  config = join(dir, "client.json");
  await writeFile(config, JSON.stringify({ maxRetries: 10, retryBaseDelayMs: 20, callTimeoutSec: 2 }));
});

afterEach(async () => {
  await serve?.stop();
  serve = undefined;
});

/** A fresh serve (its own ledger and empty cache) with 20% of requests faulted. */
async function faultyServe(name: string): Promise<{ model: string; ledger: string }> {
  const ledger = join(dir, `${name}-serve-ledger.jsonl`);
  serve = await startServe([
    ...["--model", "sim", "--ledger", ledger, "--cache-dir", join(dir, `${name}-serve-cache`)],
    ...["--faults", "429,500,reset,timeout,malformed,truncated", "--fault-rate", "0.2", "--fault-seed", "3"],
  ]);
  return { model: `openai-compatible:${serve.url}/v1#sim`, ledger };
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

/**
 * Checks a client's run ledger against serve's ledger. Every fault costs the client one retry, in
 * its ledger. Each call the client paid for is one answer serve delivered whole (200, no fault),
 * and serve, starting with an empty cache, paid for exactly those calls and tokens: a call whose
 * answer was spoiled on the way (reset, garbled, cut off) was answered again from serve's cache.
 */
async function checkAccounting(clientLedger: string, serveLedger: string) {
  await new Promise((resolve) => setTimeout(resolve, 200)); // the line of a request held to the end
  const client: LedgerEntry[] = await readLedger(clientLedger);
  const served: ServeLedgerLine[] = await readServeLedger(serveLedger);
  expect(client.filter((entry) => entry.error)).toEqual([]);
  const faulted = served.filter((line) => line.fault);
  expect(faulted.length).toBeGreaterThan(0);
  expect(sum(client, (entry) => entry.retries)).toBe(faulted.length);
  const clientPaid = client.filter((entry) => !entry.cacheHit);
  const delivered = served.filter((line) => line.modelCall && line.status === 200 && !line.fault);
  expect(delivered).toHaveLength(clientPaid.length);
  const servePaid = served.filter((line) => line.modelCall && !line.cacheHit);
  expect(servePaid).toHaveLength(clientPaid.length);
  expect(sum(servePaid, (line) => line.inputTokens)).toBe(sum(clientPaid, (entry) => entry.inputTokens));
  expect(sum(servePaid, (line) => line.outputTokens)).toBe(sum(clientPaid, (entry) => entry.outputTokens));
  // faults after the model call happened, and their retries were cache hits
  expect(served.some((line) => line.fault && line.modelCall)).toBe(true);
  return { faults: new Set(faulted.map((line) => line.fault)) };
}

describe("eval and optimize through serve with 20% faults (sim: a simulation)", () => {
  it("eval grades every task once, with the same results as without serve", async () => {
    const { model, ledger } = await faultyServe("eval");
    const common = ["eval", "--bench", "sim", "--json", "--quiet", "--concurrency", "4"];
    const direct = await runCli([...common, "--model", "sim", "--runs-dir", join(dir, "direct")]);
    expect(direct.code, direct.stderr).toBe(0);
    const viaServe = await runCli([
      ...common,
      "--model",
      model,
      "--runs-dir",
      join(dir, "eval"),
      "--config",
      config,
    ]);
    expect(viaServe.code, viaServe.stderr).toBe(0);
    const summary = JSON.parse(viaServe.stdout);
    const expected = JSON.parse(direct.stdout);
    expect(summary).toMatchObject({ tasks: expected.tasks, runs: expected.runs, passes: expected.passes });
    const results = (await readFile(join(summary.runDir, "results.jsonl"), "utf8")).trim().split("\n");
    const ids = results.map((line) => JSON.parse(line).taskId as string);
    expect(ids).toHaveLength(expected.tasks);
    expect(new Set(ids).size).toBe(expected.tasks);
    const { faults } = await checkAccounting(join(summary.runDir, "ledger.jsonl"), ledger);
    expect(faults.size).toBeGreaterThanOrEqual(4);
  });

  it("optimize completes its iterations and its evaluations", async () => {
    const { model, ledger } = await faultyServe("optimize");
    const result = await runCli([
      ...["optimize", "--bench", "sim", "--model", model, "--iterations", "2", "--json", "--quiet"],
      ...["--runs-dir", join(dir, "optimize"), "--config", config],
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.iterations).toBe(2);
    expect(summary.status).toBe("done");
    expect(summary.best.passRate).toEqual(expect.any(Number)); // the test split was evaluated
    await checkAccounting(join(summary.runDir, "ledger.jsonl"), ledger);
  });
});
