import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateText } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { BudgetExceededError } from "../models/budget.js";
import { type LedgerEntry, ModelHub, readLedger, type SharedBudget } from "../models/index.js";

// The two places the model hub meets the queue: a budget shared with other processes, and ledger
// lines of calls made elsewhere (a worker's rollout). Mock models only.

const env = { OPENAI_API_KEY: "sk-test-not-real" };

function mockModel() {
  return new MockLanguageModelV3({
    doGenerate: async () => ({
      content: [{ type: "text", text: "ok" }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: {
        inputTokens: { total: 1000, noCache: 1000, cacheRead: 0, cacheWrite: undefined },
        outputTokens: { total: 100, text: 100, reasoning: undefined },
      },
      warnings: [],
    }),
  });
}

class CountingBudget implements SharedBudget {
  reserved = 0;
  told: LedgerEntry[] = [];
  constructor(private readonly room: number) {}
  async reserve() {
    if (this.reserved >= this.room) throw new BudgetExceededError("budget reached elsewhere", "maxCalls");
    this.reserved += 1;
  }
  spent(entry: LedgerEntry) {
    this.told.push(entry);
  }
}

const ask = (hub: ModelHub, prompt: string) =>
  generateText({ model: hub.model("executor"), prompt, maxRetries: 0 });

describe("a shared budget", () => {
  it("is asked before each paid call (not for answers from the cache) and told what each cost", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hub-shared-"));
    const budget = new CountingBudget(2);
    const hub = new ModelHub({
      roles: { executor: "openai:gpt-4.1" },
      env,
      createModel: () => mockModel(),
      cacheDir: join(dir, "cache"),
      ledgerPath: join(dir, "ledger.jsonl"),
      sharedBudget: budget,
    });
    await ask(hub, "one");
    await ask(hub, "one"); // from the cache: free, not reserved
    await ask(hub, "two");
    expect(budget.reserved).toBe(2);
    expect(budget.told.map((entry) => entry.costUsd)).toEqual([0.0028, 0.0028]);
    await expect(ask(hub, "three")).rejects.toThrow(/budget reached elsewhere/);
    // the refused call was not made, and is not in the ledger
    const ledger = await readLedger(join(dir, "ledger.jsonl"));
    expect(ledger.filter((entry) => !entry.cacheHit)).toHaveLength(2);
    expect(hub.totals().total.calls).toBe(3);
  });
});

describe("calls made elsewhere", () => {
  it("join the totals, the ledger (with the current stage) and the hub's own budget", async () => {
    const dir = await mkdtemp(join(tmpdir(), "hub-elsewhere-"));
    const hub = new ModelHub({
      roles: { executor: "openai:gpt-4.1" },
      env,
      createModel: () => mockModel(),
      ledgerPath: join(dir, "ledger.jsonl"),
      budget: { maxCalls: 3 },
    });
    hub.setStage("execute");
    const worker: LedgerEntry = {
      ts: new Date().toISOString(),
      role: "executor",
      model: "openai:gpt-4.1",
      inputTokens: 1000,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 100,
      reasoningTokens: 0,
      costUsd: 0.0028,
      ms: 5,
      retries: 0,
      cacheHit: false,
      rollout: { key: "run/abc/t1/r0", attempt: "a1", worker: "w1" },
    };
    hub.recordElsewhere([worker, { ...worker, ts: new Date().toISOString() }]);
    expect(hub.totals().total).toMatchObject({ calls: 2, costUsd: 0.0056 });
    const ledger = await readLedger(join(dir, "ledger.jsonl"));
    expect(ledger).toHaveLength(2);
    expect(ledger[0]).toMatchObject({ stage: "execute", rollout: { worker: "w1", attempt: "a1" } });
    await ask(hub, "third call: the last one the budget allows");
    await expect(ask(hub, "fourth")).rejects.toBeInstanceOf(BudgetExceededError);
  });
});
