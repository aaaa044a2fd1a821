import { afterEach, describe, expect, it } from "vitest";
import { keyVariableFor, providerRecords } from "../models/providers/index.js";
import { knownSecrets, maskSecrets, maskText, registerSecret, restoreMaskedModels } from "./secrets.js";

describe("maskSecrets", () => {
  it("hides values under secret-looking keys, at any depth", () => {
    const masked = maskSecrets({
      apiKey: "abc",
      OPENAI_API_KEY: "xyz",
      nested: { password: "hunter2", headers: { Authorization: "Bearer t" }, accessToken: "tok" },
      clientSecret: { value: "s" },
      list: [{ token: "t1" }],
    });
    expect(masked).toEqual({
      apiKey: "***",
      OPENAI_API_KEY: "***",
      nested: { password: "***", headers: { Authorization: "***" }, accessToken: "***" },
      clientSecret: "***",
      list: [{ token: "***" }],
    });
  });

  it("hides API-key-looking text anywhere, and keeps ordinary settings", () => {
    const masked = maskSecrets({
      note: "called with sk-proj-abcdefghijklmnop and sk-ant-api03-ABCDEFGHIJKL",
      model: "openai:gpt-4.1",
      maxOutputTokens: 2000,
      inputTokens: { total: 10 },
      monkey: "business",
      seed: 1,
    });
    expect(masked).toEqual({
      note: "called with *** and ***",
      model: "openai:gpt-4.1",
      maxOutputTokens: 2000,
      inputTokens: { total: 10 },
      monkey: "***",
      seed: 1,
    });
  });

  it("does not modify its input", () => {
    const input = { apiKey: "abc" };
    maskSecrets(input);
    expect(input.apiKey).toBe("abc");
  });
});

describe("maskText", () => {
  afterEach(() => {
    delete process.env.SKILLGRAD_TEST_API_KEY;
    delete process.env.SKILLGRAD_TEST_REDIS_URL;
  });

  it("hides credentials inside URLs and key-like query parameters", () => {
    expect(maskText("http://user:pass@host:8080/v1?api-key=abc123&x=1")).toBe(
      "http://***@host:8080/v1?api-key=***&x=1",
    );
    expect(maskText("redis://:s3cret@127.0.0.1:6379/0")).toBe("redis://***@127.0.0.1:6379/0");
    for (const name of ["key", "token", "access_token", "apikey", "api_key"])
      expect(maskText(`https://h/p?a=1&${name}=SECRET`)).toBe(`https://h/p?a=1&${name}=***`);
    expect(maskText('<a href="https://h/p?a=1&amp;token=SECRET">')).toBe(
      '<a href="https://h/p?a=1&amp;token=***">',
    );
  });

  it("hides bearer tokens and sk- keys a server echoes back", () => {
    expect(maskText("401: Incorrect API key provided: Bearer abcdef123456. Check it")).toBe(
      "401: Incorrect API key provided: Bearer ***. Check it",
    );
    expect(maskText("key sk-proj-abcdefghijklmnop")).toBe("key ***");
  });

  it("hides the value of every key variable in the environment, and of registered secrets, wherever they are", () => {
    process.env.SKILLGRAD_TEST_API_KEY = "plain-key-value-31337";
    process.env.SKILLGRAD_TEST_REDIS_URL = "redis://:redis-pass-9876@localhost:6379";
    registerSecret("registered-value-2718");
    const text = 'said "plain-key-value-31337" then redis-pass-9876 and registered-value-2718';
    expect(maskText(text)).toBe('said "***" then *** and ***');
    expect(knownSecrets()).toContain("plain-key-value-31337");
  });

  it("keeps ordinary text: counts, prose about keys, plain URLs, short values", () => {
    process.env.SKILLGRAD_TEST_API_KEY = "abc"; // too short to be a key: masking it would garble records
    const text = 'maxTokens 2000; the key column; https://example.com/a?page=2#top; sort(key=len); "abc"';
    expect(maskText(text)).toBe(text);
  });
});

describe("restoreMaskedModels", () => {
  it("puts back a masked model from the same model given again, and refuses to guess", () => {
    const given = "openai-compatible:http://u:pw-123456@h/v1#m";
    const stored = { executor: maskText(given), patcher: "sim" };
    expect(stored.executor).toBe("openai-compatible:http://***@h/v1#m");
    expect(restoreMaskedModels(stored, [undefined, given], "runs/r1")).toEqual({
      executor: given,
      patcher: "sim",
    });
    expect(() => restoreMaskedModels(stored, ["sim"], "runs/r1")).toThrow(
      /runs\/r1 ran the executor on openai-compatible:http:\/\/\*\*\*@h\/v1#m, whose credentials config.json keeps masked/,
    );
  });
});

describe("every provider's key variable", () => {
  it("is masked by its value wherever it appears", () => {
    for (const record of providerRecords()) {
      const variable = keyVariableFor(record.name);
      if (!variable) continue;
      process.env[variable] = `value-of-${variable}-123`;
      try {
        expect(maskText(`x value-of-${variable}-123 y`)).toBe("x *** y");
      } finally {
        delete process.env[variable];
      }
    }
  });
});
