import { describe, expect, it } from "vitest";
import { SkillgradError } from "../errors.js";
import { baseURLFor, checkModelCredentials, createProviderModel } from "./providers/index.js";
import { parseModelSpec } from "./spec.js";

describe("parseModelSpec", () => {
  it("reads each accepted form", () => {
    expect(parseModelSpec("openai:gpt-4.1-mini")).toMatchObject({
      provider: "openai",
      modelId: "gpt-4.1-mini",
    });
    expect(parseModelSpec("anthropic:claude-sonnet-4-5")).toMatchObject({
      provider: "anthropic",
      modelId: "claude-sonnet-4-5",
    });
    expect(parseModelSpec("ollama:llama3.1:8b")).toMatchObject({
      provider: "ollama",
      modelId: "llama3.1:8b",
    });
    expect(parseModelSpec("openai-compatible:http://localhost:8000/v1/#qwen/qwen3-8b")).toMatchObject({
      provider: "openai-compatible",
      baseURL: "http://localhost:8000/v1",
      modelId: "qwen/qwen3-8b",
    });
  });

  it.each([
    ["gpt-4.1", "no provider prefix"],
    ["openai:", "model name is missing"],
    ["mistral:large", 'unknown provider "mistral"'],
    ["openai-compatible:http://localhost:8000/v1", "<baseURL>#<model>"],
    ["openai-compatible:not a url#m", "is not a URL"],
    ["openai-compatible:ftp://host#m", "not an http(s) URL"],
  ])("rejects %s, listing the accepted forms", (spec, why) => {
    let caught: unknown;
    try {
      parseModelSpec(spec);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SkillgradError);
    const message = (caught as Error).message;
    expect(message).toContain(why);
    for (const form of [
      "openai:<model>",
      "anthropic:<model>",
      "ollama:<model>",
      "openai-compatible:<baseURL>#<model>",
    ]) {
      expect(message).toContain(form);
    }
  });
});

describe("base URLs", () => {
  it("uses the documented defaults and the environment overrides", () => {
    expect(baseURLFor(parseModelSpec("openai:gpt-4o"), {})).toBe("https://api.openai.com/v1");
    expect(baseURLFor(parseModelSpec("openai:gpt-4o"), { OPENAI_BASE_URL: "http://proxy:1/v1/" })).toBe(
      "http://proxy:1/v1",
    );
    expect(
      baseURLFor(parseModelSpec("anthropic:claude-3-5-haiku"), { ANTHROPIC_BASE_URL: "http://a:2" }),
    ).toBe("http://a:2");
    expect(baseURLFor(parseModelSpec("ollama:qwen3"), {})).toBe("http://127.0.0.1:11434/v1");
    expect(baseURLFor(parseModelSpec("ollama:qwen3"), { OLLAMA_BASE_URL: "http://gpu:11434/v1" })).toBe(
      "http://gpu:11434/v1",
    );
  });
});

describe("checkModelCredentials", () => {
  it("names the missing variable and how to proceed", () => {
    expect(() => checkModelCredentials(["openai:gpt-4.1"], {})).toThrow(
      "OPENAI_API_KEY is not set (needed by openai:gpt-4.1): export it, or choose another model with --model",
    );
    expect(() => checkModelCredentials(["anthropic:claude-sonnet-4"], { ANTHROPIC_API_KEY: "  " })).toThrow(
      /^ANTHROPIC_API_KEY is not set/,
    );
  });

  it("names every missing variable at once", () => {
    expect(() => checkModelCredentials(["openai:gpt-4.1", "anthropic:claude-sonnet-4"], {})).toThrow(
      /OPENAI_API_KEY and ANTHROPIC_API_KEY are not set/,
    );
  });

  it("accepts providers that need no key, and present keys", () => {
    expect(() =>
      checkModelCredentials(["ollama:qwen3", "openai-compatible:http://h:1/v1#m", "openai:gpt-4.1"], {
        OPENAI_API_KEY: "sk-test",
      }),
    ).not.toThrow();
  });

  it("rejects a bad spec before looking at keys", () => {
    expect(() => checkModelCredentials(["gpt-4.1"], {})).toThrow(/invalid model "gpt-4.1"/);
  });

  it("guards createProviderModel too, before any request", () => {
    expect(() => createProviderModel("openai:gpt-4.1", {})).toThrow(/OPENAI_API_KEY is not set/);
    const model = createProviderModel("openai:gpt-4.1", { OPENAI_API_KEY: "sk-test" });
    expect(model.modelId).toBe("gpt-4.1");
    expect(createProviderModel("ollama:qwen3", {}).modelId).toBe("qwen3");
    expect(createProviderModel("anthropic:claude-haiku-4-5", { ANTHROPIC_API_KEY: "k" }).provider).toContain(
      "anthropic",
    );
  });
});
