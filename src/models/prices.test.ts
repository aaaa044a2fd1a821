import { describe, expect, it } from "vitest";
import { costOf, priceFor } from "./prices.js";

describe("priceFor", () => {
  it("finds list prices by model id and by dated snapshot or alias", () => {
    expect(priceFor("openai:gpt-4.1-mini")).toEqual({ input: 0.4, cachedInput: 0.1, output: 1.6 });
    expect(priceFor("openai:gpt-4.1-2025-04-14")).toEqual(priceFor("openai:gpt-4.1"));
    expect(priceFor("anthropic:claude-sonnet-4-20250514")).toEqual(priceFor("anthropic:claude-sonnet-4"));
    expect(priceFor("anthropic:claude-3-5-haiku-latest")).toEqual(priceFor("anthropic:claude-3-5-haiku"));
  });

  it("does not take a different model for a snapshot of a listed one", () => {
    // gpt-4.1-mini is its own model, not a snapshot of gpt-4.1.
    expect(priceFor("openai:gpt-4.1-mini")).not.toEqual(priceFor("openai:gpt-4.1"));
    expect(priceFor("anthropic:claude-sonnet-4-5")?.input).toBe(3);
    expect(priceFor("openai:gpt-4o-audio-preview")).toBeNull();
    expect(priceFor("openai:gpt-5.9")).toBeNull();
  });

  it("is unknown for local servers", () => {
    expect(priceFor("ollama:qwen3")).toBeNull();
    expect(priceFor("openai-compatible:http://h:1/v1#gpt-4.1")).toBeNull();
  });

  it("lets the config override or add prices", () => {
    const overrides = {
      "openai:my-model": { input: 1, cachedInput: 0.5, output: 2 },
      "openai:gpt-4.1": { input: 9, cachedInput: 9, output: 9 },
      "ollama:qwen3": { input: 0, cachedInput: 0, output: 0 },
    };
    expect(priceFor("openai:my-model", overrides)?.output).toBe(2);
    expect(priceFor("openai:my-model-2025-01-01", overrides)?.output).toBe(2);
    expect(priceFor("openai:gpt-4.1", overrides)?.input).toBe(9);
    expect(priceFor("ollama:qwen3", overrides)?.input).toBe(0);
  });
});

describe("costOf", () => {
  it("charges uncached input, cached input and output at their rates", () => {
    // gpt-4.1: $2 / $0.5 / $8 per million.
    const cost = costOf(
      { inputTokens: 1_000_000, cachedInputTokens: 400_000, cacheWriteTokens: 0, outputTokens: 250_000 },
      priceFor("openai:gpt-4.1"),
    );
    expect(cost).toBeCloseTo(600_000 * 2e-6 + 400_000 * 0.5e-6 + 250_000 * 8e-6, 10);
    expect(cost).toBe(3.4);
  });

  it("charges Anthropic cache writes at the write rate", () => {
    const cost = costOf(
      { inputTokens: 3000, cachedInputTokens: 1000, cacheWriteTokens: 1000, outputTokens: 100 },
      priceFor("anthropic:claude-sonnet-4"),
    );
    expect(cost).toBe((1000 * 3 + 1000 * 0.3 + 1000 * 3.75 + 100 * 15) / 1e6);
  });

  it("is null when the price is unknown", () => {
    expect(
      costOf({ inputTokens: 5, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5 }, null),
    ).toBeNull();
  });
});
