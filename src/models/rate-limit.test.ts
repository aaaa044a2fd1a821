import { APICallError, type LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import { generateText } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { ModelHub } from "./hub.js";
import { estimateTokens, type RateClock, RateLimiter } from "./rate-limit.js";
import type { ModelRole } from "./roles.js";

/** A clock whose sleep moves time forward at once: waits are measured, never slept. */
function fakeClock(): RateClock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    // parallel sleepers wake in order of their wake time, each moving the clock to it
    sleep: async (ms: number) => {
      const wake = clock.t + ms;
      await Promise.resolve();
      clock.t = Math.max(clock.t, wake);
    },
  };
  return clock;
}

describe("RateLimiter (fake time)", () => {
  it("lets rpm requests through per sliding minute, then waits for the oldest to leave", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ rpm: 2 }, { clock });
    const at: number[] = [];
    for (let i = 0; i < 5; i++) {
      await limiter.acquire(1);
      at.push(clock.now());
      clock.t += 1000; // each request takes a second
    }
    expect(at).toEqual([0, 1000, 60_000, 61_000, 120_000]);
    expect(limiter.waitedMs).toBe(58_000 + 58_000);
  });

  it("waits for tokens per minute on the estimate, and a correction after the call frees tokens", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ tpm: 1000 }, { clock });
    await limiter.acquire(600);
    await limiter.acquire(600);
    expect(clock.now()).toBe(60_000);

    const corrected = new RateLimiter({ tpm: 1000 }, { clock: fakeClock() });
    const first = await corrected.acquire(600);
    first.settle(100); // the provider reported fewer tokens than estimated
    await corrected.acquire(600);
    expect(corrected.waitedMs).toBe(0);
  });

  it("a request larger than the whole tpm waits for an empty window but is never stuck", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ tpm: 1000 }, { clock });
    await limiter.acquire(10);
    clock.t = 5000;
    await limiter.acquire(5000);
    expect(clock.now()).toBe(60_000);
    await limiter.acquire(10);
    expect(clock.now()).toBe(120_000);
  });

  it("parallel callers share the quota: never more than rpm in any window", async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter({ rpm: 3 }, { clock, windowMs: 10_000 });
    const at = await Promise.all(Array.from({ length: 7 }, async () => (await limiter.acquire(1)).at));
    for (const start of at)
      expect(at.filter((t) => t >= start && t < start + 10_000).length).toBeLessThanOrEqual(3);
    expect(Math.max(...at)).toBeGreaterThanOrEqual(20_000);
  });

  it("refuses a limit that is not a whole number above 0", () => {
    expect(() => new RateLimiter({ rpm: 0 })).toThrow(/invalid rpm 0/);
    expect(() => new RateLimiter({ tpm: 1.5 })).toThrow(/invalid tpm 1.5/);
  });

  it("estimates the prompt, the tools and the output limit", () => {
    const prompt = [{ role: "user" as const, content: [{ type: "text" as const, text: "x".repeat(4000) }] }];
    const small = estimateTokens({ prompt, maxOutputTokens: 100 });
    expect(small).toBeGreaterThan(1000);
    expect(small).toBeLessThan(1200);
    expect(estimateTokens({ prompt, maxOutputTokens: 2000 })).toBe(small + 1900);
  });
});

function answer(): LanguageModelV3GenerateResult {
  return {
    content: [{ type: "text", text: "ok" }],
    finishReason: { unified: "stop", raw: "stop" },
    usage: {
      inputTokens: { total: 50, noCache: 50, cacheRead: 0, cacheWrite: undefined },
      outputTokens: { total: 5, text: 5, reasoning: undefined },
    },
    warnings: [],
  };
}

const roles = (spec: string): Record<ModelRole, string> => ({
  executor: spec,
  diagnoser: spec,
  momentum: spec,
  patcher: spec,
  judge: spec,
});

describe("ModelHub rate limits (fake time)", () => {
  it("spaces calls and retries of one provider by its rpm, and leaves other providers alone", async () => {
    const clock = fakeClock();
    const sentAt: number[] = [];
    let failFirst = true;
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        sentAt.push(clock.now());
        if (failFirst) {
          failFirst = false;
          throw new APICallError({
            message: "slow down",
            url: "http://127.0.0.1:1/v1",
            requestBodyValues: {},
            statusCode: 429,
            responseHeaders: { "retry-after": "0" },
          });
        }
        return answer();
      },
    });
    const hub = new ModelHub({
      roles: { ...roles("openai:gpt-4.1"), judge: "anthropic:claude-sonnet-4-5" },
      env: { OPENAI_API_KEY: "sk-test-not-real", ANTHROPIC_API_KEY: "sk-ant-test-not-real" },
      createModel: () => model,
      rateLimits: { openai: { rpm: 2 } },
      rateClock: clock,
      retryDeps: { sleep: async () => {} },
    });
    await generateText({ model: hub.model("executor"), prompt: "a", maxRetries: 0 });
    await generateText({ model: hub.model("executor"), prompt: "b", maxRetries: 0 });
    // the 429 and its retry were two requests: the second call waits for the window
    expect(sentAt).toEqual([0, 0, 60_000]);
    await generateText({ model: hub.model("judge"), prompt: "c", maxRetries: 0 });
    expect(sentAt.at(-1)).toBe(60_000);
  });
});
