import Anthropic from "@anthropic-ai/sdk";
import { MockLanguageModelV3 } from "ai/test";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { ModelHub } from "../models/index.js";
import { type FaultKind, FaultPlan, parseFaultKinds } from "./faults.js";
import { type RunningServer, startServer } from "./server.js";

describe("fault plan", () => {
  it("is repeatable for a seed, whatever the order requests arrive in", () => {
    const settings = { kinds: parseFaultKinds("429,500,reset"), rate: 0.3, seed: 5 };
    const bodies = Array.from({ length: 200 }, (_, i) => `{"n":${i}}`);
    const forward = new FaultPlan(settings);
    const backward = new FaultPlan(settings);
    const a = bodies.map((body) => forward.next("/chat/completions", body));
    const b = [...bodies]
      .reverse()
      .map((body) => backward.next("/chat/completions", body))
      .reverse();
    expect(a).toEqual(b);
    const other = new FaultPlan({ ...settings, seed: 6 });
    expect(bodies.map((body) => other.next("/chat/completions", body))).not.toEqual(a);
  });

  it("faults about the share asked for, and draws again for a repeated request", () => {
    const plan = new FaultPlan({ kinds: ["500"], rate: 0.2, seed: 1 });
    const faults = Array.from({ length: 5000 }, (_, i) => plan.next("/messages", String(i))).filter(Boolean);
    expect(faults.length / 5000).toBeGreaterThan(0.17);
    expect(faults.length / 5000).toBeLessThan(0.23);
    const repeat = new FaultPlan({ kinds: ["500"], rate: 0.5, seed: 1 });
    const draws = Array.from({ length: 40 }, () => repeat.next("/messages", "same body"));
    expect(draws.filter(Boolean).length).toBeGreaterThan(5);
    expect(draws.filter((draw) => draw === undefined).length).toBeGreaterThan(5);
  });

  it("rejects an unknown fault kind with the list of known ones", () => {
    expect(() => parseFaultKinds("429,flaky")).toThrow(
      /unknown fault "flaky".*429, 500, reset, timeout, malformed, truncated/,
    );
  });
});

describe("each fault, as the official clients see it", () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serveWith(kind: FaultKind) {
    const model = new MockLanguageModelV3({
      doGenerate: async () => ({
        content: [{ type: "text", text: "an answer that is long enough to be streamed in a few chunks" }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: {
          inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: undefined },
          outputTokens: { total: 9, text: 9, reasoning: undefined },
        },
        warnings: [],
      }),
    });
    const hub = new ModelHub({ roles: { executor: "ollama:x" }, createModel: () => model });
    server = await startServer({
      hub,
      model: "ollama:x",
      faults: { kinds: [kind], rate: 1, seed: 1 },
      faultHoldMs: 5000,
    });
    return {
      openai: new OpenAI({ apiKey: "x", baseURL: `${server.url}/v1`, maxRetries: 0, timeout: 500 }),
      anthropic: new Anthropic({ apiKey: "x", baseURL: server.url, maxRetries: 0, timeout: 500 }),
    };
  }
  const ask = { model: "m", messages: [{ role: "user" as const, content: "hi" }] };

  it.each([
    ["429", OpenAI.RateLimitError],
    ["500", OpenAI.InternalServerError],
    ["reset", OpenAI.APIConnectionError],
    ["timeout", OpenAI.APIConnectionTimeoutError],
  ] as const)("%s fails the request with the client's own error", async (kind, errorClass) => {
    const { openai } = await serveWith(kind);
    await expect(openai.chat.completions.create(ask)).rejects.toBeInstanceOf(errorClass);
  });

  it("truncated cuts the body short of its length", async () => {
    const { openai } = await serveWith("truncated");
    await expect(openai.chat.completions.create(ask)).rejects.toThrow(/terminated/);
  });

  it("malformed gives a body that is not JSON", async () => {
    const { openai } = await serveWith("malformed");
    await expect(openai.chat.completions.create(ask)).rejects.toThrow(/JSON/);
  });

  it("a truncated stream stops before its end event", async () => {
    const { anthropic } = await serveWith("truncated");
    const events: string[] = [];
    const stream = await anthropic.messages.create({ ...ask, max_tokens: 10, stream: true });
    for await (const event of stream) events.push(event.type);
    expect(events[0]).toBe("message_start");
    expect(events).not.toContain("message_stop");
  });

  it("429 tells the client when to retry", async () => {
    const { anthropic } = await serveWith("429");
    const error = await anthropic.messages
      .create({ ...ask, max_tokens: 10 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const typed = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(typed.headers?.get("retry-after")).toBe("1");
    expect(typed.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
  });
});
