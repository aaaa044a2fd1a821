import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import { generateText, streamText } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { BudgetExceededError } from "./budget.js";
import { CALL_LABEL_NAMESPACE, ModelHub, type ModelHubOptions } from "./hub.js";
import { readLedger } from "./ledger.js";
import { registerProvider } from "./providers/index.js";
import type { ModelRole } from "./roles.js";

function answer(text: string, input = 1000, output = 100, cached = 0): LanguageModelV3GenerateResult {
  return {
    content: [{ type: "text", text }],
    finishReason: { unified: "stop", raw: "stop" },
    usage: {
      inputTokens: { total: input, noCache: input - cached, cacheRead: cached, cacheWrite: undefined },
      outputTokens: { total: output, text: output, reasoning: undefined },
    },
    response: { id: "r1", timestamp: new Date("2025-03-04T05:06:07Z"), modelId: "gpt-4.1" },
    warnings: [],
  };
}

/** A mock model that answers with the prompt's last user text echoed, counting its calls. */
function echoModel() {
  let calls = 0;
  const model = new MockLanguageModelV3({
    doGenerate: async (options) => {
      calls += 1;
      const last = options.prompt.at(-1);
      const part = last?.role === "user" ? last.content[0] : undefined;
      return answer(`echo: ${part?.type === "text" ? part.text : "?"}`);
    },
  });
  return { model, calls: () => calls };
}

function allRoles(spec: string): Record<ModelRole, string> {
  return { executor: spec, diagnoser: spec, momentum: spec, patcher: spec, judge: spec };
}

const env = { OPENAI_API_KEY: "sk-test-not-real" };

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "hub-"));
}

function hubWith(model: MockLanguageModelV3, options: Partial<ModelHubOptions> = {}): ModelHub {
  return new ModelHub({ roles: allRoles("openai:gpt-4.1"), env, createModel: () => model, ...options });
}

describe("ModelHub ledger", () => {
  it("records each call with tokens, dollars from the price table, and running totals", async () => {
    const dir = await tempDir();
    const { model } = echoModel();
    const hub = hubWith(model, { ledgerPath: join(dir, "ledger.jsonl") });
    const seen: string[] = [];
    hub.onCall((entry) => seen.push(entry.role));
    await generateText({ model: hub.model("executor"), prompt: "a", maxRetries: 0 });
    await generateText({ model: hub.model("patcher"), prompt: "b", maxRetries: 0 });

    const perCall = (1000 * 2 + 100 * 8) / 1e6; // gpt-4.1 list price
    const ledger = await readLedger(join(dir, "ledger.jsonl"));
    expect(ledger).toHaveLength(2);
    expect(ledger[0]).toMatchObject({
      role: "executor",
      model: "openai:gpt-4.1",
      inputTokens: 1000,
      outputTokens: 100,
      costUsd: perCall,
      cacheHit: false,
      retries: 0,
    });
    expect(seen).toEqual(["executor", "patcher"]);
    const totals = hub.totals();
    expect(totals.total.costUsd).toBeCloseTo(2 * perCall, 12);
    expect(totals.byRole.patcher?.calls).toBe(1);
    expect(totals.byModel["openai:gpt-4.1"]?.inputTokens).toBe(2000);
  });

  it("names a call in the ledger by its label, which neither keys the cache nor reaches the model", async () => {
    const dir = await tempDir();
    const seenOptions: unknown[] = [];
    const model = new MockLanguageModelV3({
      doGenerate: async (options) => {
        seenOptions.push(options.providerOptions);
        return answer("hi");
      },
    });
    const hub = hubWith(model, { cacheDir: join(dir, "cache") });
    const labelled = (label: string) => ({ [CALL_LABEL_NAMESPACE]: { label } });
    await generateText({
      model: hub.model("executor"),
      prompt: "a",
      maxRetries: 0,
      providerOptions: labelled("req_1"),
    });
    await generateText({
      model: hub.model("executor"),
      prompt: "a",
      maxRetries: 0,
      providerOptions: labelled("req_2"),
    });
    expect(hub.entries().map((entry) => [entry.label, entry.cacheHit])).toEqual([
      ["req_1", false],
      ["req_2", true],
    ]);
    expect(seenOptions).toEqual([undefined]);
  });

  it("counts tokens but leaves the cost unknown for an unpriced model", async () => {
    const { model } = echoModel();
    const hub = new ModelHub({ roles: allRoles("ollama:qwen3"), createModel: () => model });
    await generateText({ model: hub.model("judge"), prompt: "x", maxRetries: 0 });
    expect(hub.entries()[0]).toMatchObject({ costUsd: null, inputTokens: 1000, outputTokens: 100 });
    expect(hub.totals().total).toMatchObject({ costUsd: null, inputTokens: 1000, unpricedCalls: 1 });
  });

  it("records a failed call with its error, then rethrows", async () => {
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        throw new Error("model exploded");
      },
    });
    const hub = hubWith(model);
    await expect(generateText({ model: hub.model("executor"), prompt: "x", maxRetries: 0 })).rejects.toThrow(
      "model exploded",
    );
    expect(hub.entries()[0]).toMatchObject({ error: "model exploded", costUsd: 0, inputTokens: 0 });
  });

  it("refuses streaming with a clear message", async () => {
    const { model } = echoModel();
    const hub = hubWith(model);
    const errors: unknown[] = [];
    const result = streamText({
      model: hub.model("executor"),
      prompt: "x",
      onError: ({ error }) => void errors.push(error),
    });
    await result.consumeStream();
    expect(String(errors[0])).toMatch(/streaming is not supported.*generateText/);
  });
});

describe("ModelHub cache", () => {
  it("answers an identical second call from the cache, free, without calling the model", async () => {
    const dir = await tempDir();
    const { model, calls } = echoModel();
    const hub = hubWith(model, { cacheDir: join(dir, "cache") });
    const first = await generateText({ model: hub.model("executor"), prompt: "same", maxRetries: 0 });
    const second = await generateText({ model: hub.model("executor"), prompt: "same", maxRetries: 0 });
    expect(calls()).toBe(1);
    expect(second.text).toBe(first.text);
    expect(second.response.timestamp).toBeInstanceOf(Date);
    expect(second.response.timestamp.toISOString()).toBe("2025-03-04T05:06:07.000Z");
    expect(second.usage.inputTokens).toBe(1000);
    const hit = hub.entries()[1];
    expect(hit).toMatchObject({ cacheHit: true, costUsd: 0, inputTokens: 0, outputTokens: 0 });
    expect(hit?.savedTokens).toEqual({ input: 1000, cachedInput: 0, output: 100, reasoning: 0 });
    expect(hit?.savedCostUsd).toBe((1000 * 2 + 100 * 8) / 1e6);
    expect(hub.totals().total).toMatchObject({ calls: 2, cachedCalls: 1, inputTokens: 1000 });
  });

  it("makes identical calls that run at the same time once; the others wait for it and count as cached", async () => {
    const dir = await tempDir();
    const { model, calls } = echoModel();
    const hub = hubWith(model, { cacheDir: join(dir, "cache") });
    const replies = await Promise.all(
      [1, 2, 3].map(() => generateText({ model: hub.model("executor"), prompt: "together", maxRetries: 0 })),
    );
    expect(calls()).toBe(1);
    expect(new Set(replies.map((reply) => reply.text)).size).toBe(1);
    expect(hub.totals().total).toMatchObject({ calls: 3, cachedCalls: 2 });
  });

  it("misses when anything that decides the answer changes", async () => {
    const dir = await tempDir();
    const { model, calls } = echoModel();
    const hub = hubWith(model, { cacheDir: dir });
    const run = (options: Parameters<typeof generateText>[0]) => generateText({ ...options, maxRetries: 0 });
    const m = hub.model("executor");
    await run({ model: m, prompt: "p" });
    await run({ model: m, prompt: "p", temperature: 0.5 });
    await run({ model: m, prompt: "p", system: "be brief" });
    await run({ model: m, prompt: "p", seed: 3 });
    await run({ model: m, prompt: "p", providerOptions: { skillgrad: { sample: 2 } } });
    await run({ model: m, prompt: "p", headers: { "x-trace": "ignored" } });
    expect(calls()).toBe(5);
  });

  it("takes providerOptions.skillgrad as a cache salt that is never sent to the model", async () => {
    const dir = await tempDir();
    const { model, calls } = echoModel();
    const hub = hubWith(model, { cacheDir: dir });
    for (const sample of [1, 2, 1]) {
      await generateText({
        model: hub.model("executor"),
        prompt: "again",
        providerOptions: { skillgrad: { sample }, openai: { user: "u" } },
        maxRetries: 0,
      });
    }
    expect(calls()).toBe(2);
    expect(model.doGenerateCalls[0]?.providerOptions).toEqual({ openai: { user: "u" } });
  });

  it("keys on the model too: another model or base URL is another answer", async () => {
    const dir = await tempDir();
    const { model, calls } = echoModel();
    const a = new ModelHub({
      roles: allRoles("openai:gpt-4.1"),
      env,
      cacheDir: dir,
      createModel: () => model,
    });
    const b = new ModelHub({
      roles: allRoles("openai:gpt-4.1-mini"),
      env,
      cacheDir: dir,
      createModel: () => model,
    });
    const c = new ModelHub({
      roles: allRoles("openai:gpt-4.1"),
      env: { ...env, OPENAI_BASE_URL: "http://proxy.local/v1" },
      cacheDir: dir,
      createModel: () => model,
    });
    for (const hub of [a, b, c])
      await generateText({ model: hub.model("executor"), prompt: "q", maxRetries: 0 });
    expect(calls()).toBe(3);
  });

  it("is shared safely by two hubs writing the same answers at once", async () => {
    const dir = await tempDir();
    const first = echoModel();
    const second = echoModel();
    const hubA = hubWith(first.model, { cacheDir: dir });
    const hubB = hubWith(second.model, { cacheDir: dir });
    const prompts = Array.from({ length: 20 }, (_, i) => `task ${i}`);
    const both = await Promise.all(
      [hubA, hubB].flatMap((hub) =>
        prompts.map((prompt) => generateText({ model: hub.model("executor"), prompt, maxRetries: 0 })),
      ),
    );
    expect(both.map((r) => r.text)).toEqual([...prompts, ...prompts].map((p) => `echo: ${p}`));
    // A third hub finds every answer intact and calls nothing.
    const third = echoModel();
    const hubC = hubWith(third.model, { cacheDir: dir });
    const again = await Promise.all(
      prompts.map((prompt) => generateText({ model: hubC.model("executor"), prompt, maxRetries: 0 })),
    );
    expect(again.map((r) => r.text)).toEqual(prompts.map((p) => `echo: ${p}`));
    expect(third.calls()).toBe(0);
    const leftovers = (await readdir(dir, { recursive: true })).filter((name) =>
      String(name).endsWith(".tmp"),
    );
    expect(leftovers).toEqual([]);
  });

  it("can be turned off", async () => {
    const dir = await tempDir();
    const { model, calls } = echoModel();
    const hub = hubWith(model, { cacheDir: dir, cache: false });
    await generateText({ model: hub.model("executor"), prompt: "same", maxRetries: 0 });
    await generateText({ model: hub.model("executor"), prompt: "same", maxRetries: 0 });
    expect(calls()).toBe(2);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("ModelHub budgets", () => {
  it("stops before the call that would exceed maxCalls, without making it", async () => {
    const { model, calls } = echoModel();
    const hub = hubWith(model, { budget: { maxCalls: 2 } });
    await generateText({ model: hub.model("executor"), prompt: "1", maxRetries: 0 });
    await generateText({ model: hub.model("executor"), prompt: "2", maxRetries: 0 });
    await expect(
      generateText({ model: hub.model("executor"), prompt: "3", maxRetries: 0 }),
    ).rejects.toBeInstanceOf(BudgetExceededError);
    expect(calls()).toBe(2);
  });

  it("holds maxCalls even for calls started in parallel", async () => {
    const { model, calls } = echoModel();
    const hub = hubWith(model, { budget: { maxCalls: 3 } });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        generateText({ model: hub.model("executor"), prompt: `${i}`, maxRetries: 0 }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    expect(calls()).toBe(3);
  });

  it("stops once the dollars are spent, but still serves cached answers", async () => {
    const dir = await tempDir();
    const { model, calls } = echoModel();
    // One call costs $0.0028 at gpt-4.1 list price.
    const hub = hubWith(model, { cacheDir: dir, budget: { maxCostUsd: 0.005 } });
    await generateText({ model: hub.model("executor"), prompt: "1", maxRetries: 0 });
    await generateText({ model: hub.model("executor"), prompt: "2", maxRetries: 0 });
    await expect(generateText({ model: hub.model("executor"), prompt: "3", maxRetries: 0 })).rejects.toThrow(
      /budget reached: \$0\.0056 spent of at most \$0\.005/,
    );
    await generateText({ model: hub.model("executor"), prompt: "1", maxRetries: 0 });
    expect(calls()).toBe(2);
  });

  it("counts a resumed run's earlier spending", async () => {
    const { model, calls } = echoModel();
    const hub = hubWith(model, {
      budget: { maxCalls: 1 },
      priorEntries: [
        {
          ts: "2025-01-01T00:00:00Z",
          role: "executor",
          model: "openai:gpt-4.1",
          inputTokens: 1,
          cachedInputTokens: 0,
          cacheWriteTokens: 0,
          outputTokens: 1,
          reasoningTokens: 0,
          costUsd: 0.001,
          ms: 1,
          retries: 0,
          cacheHit: false,
        },
      ],
    });
    await expect(generateText({ model: hub.model("executor"), prompt: "x", maxRetries: 0 })).rejects.toThrow(
      BudgetExceededError,
    );
    expect(calls()).toBe(0);
    expect(hub.totals().total.costUsd).toBe(0.001);
  });

  it("refuses a dollar cap it cannot enforce", () => {
    const { model } = echoModel();
    expect(
      () =>
        new ModelHub({
          roles: allRoles("ollama:qwen3"),
          createModel: () => model,
          budget: { maxCostUsd: 1 },
        }),
    ).toThrow(/no price is known for ollama:qwen3; add it under "prices"/);
  });
});

describe("ModelHub setup", () => {
  it("checks keys when it is built, before any call", () => {
    expect(() => new ModelHub({ roles: allRoles("anthropic:claude-sonnet-4"), env: {} })).toThrow(
      /^ANTHROPIC_API_KEY is not set/,
    );
  });

  it("checks only the roles a command uses, and names a role left without a model", () => {
    const hub = new ModelHub({
      roles: { executor: "ollama:qwen3", judge: "openai:gpt-4.1" },
      env: {},
      checkRoles: ["executor"],
    });
    expect(hub.model("executor").modelId).toBe("qwen3");
    expect(() => hub.model("judge")).toThrow(/^OPENAI_API_KEY is not set/);
    expect(() => hub.model("patcher")).toThrow(/^no model chosen for the patcher/);
  });

  it("limits parallel calls per endpoint", async () => {
    let running = 0;
    let peak = 0;
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running -= 1;
        return answer("ok");
      },
    });
    const hub = hubWith(model, { concurrency: { openai: 2 } });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        generateText({ model: hub.model("executor"), prompt: `${i}`, maxRetries: 0 }),
      ),
    );
    expect(peak).toBe(2);
  });
});

describe("ModelHub on a full disk", () => {
  it("a ledger that cannot be written (ENOSPC) stops the call with a one-line error naming the folder", async () => {
    const { model } = echoModel();
    const hub = hubWith(model, { ledgerPath: "/dev/full" }); // every write to it fails with ENOSPC
    await expect(generateText({ model: hub.model("executor"), prompt: "a", maxRetries: 0 })).rejects.toThrow(
      /^disk full: no space left writing in \/dev; /,
    );
  });
});

describe("ModelHub and a provider's own attempt timeout", () => {
  it("gives a provider record's timeoutMs to its calls when the config sets none", async () => {
    const attempts: number[] = [];
    const hanging = new MockLanguageModelV3({
      doGenerate: (options) =>
        new Promise((_, reject) => {
          const started = Date.now();
          options.abortSignal?.addEventListener("abort", () => {
            attempts.push(Date.now() - started);
            reject(options.abortSignal?.reason);
          });
        }),
    });
    registerProvider({
      name: "test-slow",
      forms: ["test-slow:<x>"],
      parse: (rest) => ({ modelId: rest }),
      baseURL: () => "slow",
      price: () => null,
      create: () => hanging,
      timeoutMs: 80,
    });
    const hub = new ModelHub({ roles: { executor: "test-slow:x" }, maxRetries: 1, retryBaseDelayMs: 1 });
    await expect(generateText({ model: hub.model("executor"), prompt: "a", maxRetries: 0 })).rejects.toThrow(
      /after 2 attempts: no answer within 0\.1 s/,
    );
    expect(attempts).toHaveLength(2);
    const configured = new ModelHub({ roles: { executor: "test-slow:x" }, maxRetries: 0, timeoutMs: 30 });
    await expect(
      generateText({ model: configured.model("executor"), prompt: "b", maxRetries: 0 }),
    ).rejects.toThrow(/no answer within 0 s/);
  });
});
