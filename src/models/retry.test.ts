import { APICallError } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { SkillgradError } from "../errors.js";
import { callWithRetries, isRetryable, retryAfterMs, retryDelayMs } from "./retry.js";

function apiError(statusCode: number | undefined, headers: Record<string, string> = {}): APICallError {
  return new APICallError({
    message: `status ${statusCode}`,
    url: "http://127.0.0.1:1/v1/chat/completions",
    requestBodyValues: {},
    statusCode,
    responseHeaders: headers,
    isRetryable: statusCode === undefined,
  });
}

const policy = { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 1000, timeoutMs: 5000 };
const target = { model: "openai:gpt-4.1", url: "http://127.0.0.1:1/v1", keyVariable: "OPENAI_API_KEY" };

describe("what is retried", () => {
  it("retries rate limits, server errors, conflicts, timeouts and network failures only", () => {
    for (const status of [408, 409, 429, 500, 502, 503]) expect(isRetryable(apiError(status))).toBe(true);
    for (const status of [400, 401, 403, 404, 422]) expect(isRetryable(apiError(status))).toBe(false);
    expect(isRetryable(apiError(undefined))).toBe(true);
    expect(isRetryable(Object.assign(new Error("socket"), { code: "ECONNRESET" }))).toBe(true);
    expect(isRetryable(new TypeError("bad data"))).toBe(false);
  });

  it("retries a success status whose body was cut off or garbled", () => {
    expect(isRetryable(apiError(200))).toBe(true);
  });
});

describe("delays", () => {
  it("honours retry-after-ms, then retry-after in seconds or as a date", () => {
    expect(retryAfterMs(apiError(429, { "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    expect(retryAfterMs(apiError(429, { "retry-after": "2" }))).toBe(2000);
    const inFiveSeconds = new Date(Date.now() + 5000).toUTCString();
    expect(retryAfterMs(apiError(429, { "retry-after": inFiveSeconds }))).toBeGreaterThan(3000);
    expect(retryAfterMs(apiError(429))).toBeUndefined();
  });

  it("backs off exponentially with jitter, capped", () => {
    expect(retryDelayMs(apiError(500), 0, policy, () => 0)).toBe(50);
    expect(retryDelayMs(apiError(500), 2, policy, () => 0.5)).toBe(400);
    expect(retryDelayMs(apiError(500), 6, policy, () => 0.99)).toBe(1000);
    expect(retryDelayMs(apiError(429, { "retry-after": "3" }), 0, policy)).toBe(3000);
  });
});

describe("callWithRetries", () => {
  it("waits what the server asks and succeeds on a later attempt", async () => {
    const waits: number[] = [];
    const state = { retries: 0 };
    let calls = 0;
    const result = await callWithRetries(
      async () => {
        calls += 1;
        if (calls === 1) throw apiError(429, { "retry-after": "7" });
        if (calls === 2) throw apiError(503);
        return "ok";
      },
      target,
      policy,
      state,
      undefined,
      { sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
    );
    expect(result).toBe("ok");
    expect(state.retries).toBe(2);
    expect(waits).toEqual([7000, 200]);
  });

  it("gives up after maxRetries + 1 attempts with a message naming model and URL", async () => {
    const state = { retries: 0 };
    const failing = callWithRetries(
      async () => {
        throw apiError(500);
      },
      target,
      policy,
      state,
      undefined,
      { sleep: async () => {} },
    );
    await expect(failing).rejects.toThrow(
      /^could not reach openai:gpt-4.1 at http:\/\/127.0.0.1:1\/v1 after 5 attempts: HTTP 500/,
    );
    expect(state.retries).toBe(4);
  });

  it("fails at once on a refused request, saying what to check", async () => {
    let calls = 0;
    const failing = callWithRetries(
      async () => {
        calls += 1;
        throw apiError(401);
      },
      target,
      policy,
      { retries: 0 },
      undefined,
      { sleep: async () => {} },
    );
    await expect(failing).rejects.toThrow(SkillgradError);
    await expect(failing).rejects.toThrow(/refused the request \(HTTP 401.*check OPENAI_API_KEY/);
    expect(calls).toBe(1);
  });

  it("stops the run on a systemic 400/422, but leaves a context-length 400 to the one task", async () => {
    const refuse = (error: APICallError) =>
      callWithRetries(
        async () => {
          throw error;
        },
        target,
        policy,
        { retries: 0 },
        undefined,
        { sleep: async () => {} },
      ).catch((caught: unknown) => caught);
    const withMessage = (status: number, message: string) =>
      new APICallError({
        message,
        url: target.url,
        requestBodyValues: {},
        statusCode: status,
        isRetryable: false,
      });
    const shape = await refuse(
      withMessage(400, "Unsupported parameter: 'tools'\n(echo: Bearer sk-abcdefghijklmnop)"),
    );
    expect(shape).toBeInstanceOf(SkillgradError);
    expect(String((shape as Error).message)).toMatch(
      /^openai:gpt-4\.1 at \S+ refused the request \(HTTP 400: Unsupported parameter: 'tools' \(echo: Bearer \*\*\*\)\): check the model name/,
    );
    expect(await refuse(withMessage(422, "unprocessable"))).toBeInstanceOf(SkillgradError);
    expect(await refuse(withMessage(404, "model not found"))).toBeInstanceOf(SkillgradError);
    const tooLong = await refuse(withMessage(400, "This model's maximum context length is 8192 tokens"));
    expect(tooLong).toBeInstanceOf(Error);
    expect(tooLong).not.toBeInstanceOf(SkillgradError);
    const filtered = await refuse(withMessage(400, "blocked by the content_filter"));
    expect(filtered).not.toBeInstanceOf(SkillgradError);
  });

  it("an answer that stays unreadable after the retries fails that request only (not the run)", async () => {
    let calls = 0;
    const failing = callWithRetries(
      async () => {
        calls += 1;
        throw apiError(200);
      },
      target,
      { ...policy, maxRetries: 1 },
      { retries: 0 },
      undefined,
      { sleep: async () => {} },
    ).catch((caught: unknown) => caught);
    const error = await failing;
    expect(calls).toBe(2);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(SkillgradError);
    expect(String((error as Error).message)).toContain("unreadable answer 2 time(s)");
  });

  it("times out a hung attempt and retries it", async () => {
    let calls = 0;
    const state = { retries: 0 };
    const result = await callWithRetries(
      (signal) => {
        calls += 1;
        if (calls > 1) return Promise.resolve("second");
        return new Promise((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason)),
        );
      },
      target,
      { ...policy, timeoutMs: 20 },
      state,
      undefined,
      { sleep: async () => {} },
    );
    expect(result).toBe("second");
    expect(state.retries).toBe(1);
  });

  it("stops when the caller aborts, without retrying", async () => {
    const controller = new AbortController();
    let calls = 0;
    const pending = callWithRetries(
      (signal) => {
        calls += 1;
        return new Promise((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason)),
        );
      },
      target,
      policy,
      { retries: 0 },
      controller.signal,
    );
    controller.abort(new Error("user stopped"));
    await expect(pending).rejects.toThrow("user stopped");
    expect(calls).toBe(1);
  });
});
