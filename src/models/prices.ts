import { z } from "zod";
import { registeredProvider } from "./registry.js";
import { type ModelSpec, parseModelSpec } from "./spec.js";

/** USD per million tokens. `cacheWrite` defaults to `input` (Anthropic charges more to write its cache). */
export const priceSchema = z
  .object({
    input: z.number().nonnegative(),
    cachedInput: z.number().nonnegative(),
    output: z.number().nonnegative(),
    cacheWrite: z.number().nonnegative().optional(),
  })
  .strict();
export type Price = z.infer<typeof priceSchema>;

/** `prices` in a config: keyed by model string, e.g. {"openai:my-model": {input, cachedInput, output}}. */
export const priceOverridesSchema = z.record(z.string(), priceSchema);
export type PriceOverrides = z.infer<typeof priceOverridesSchema>;

/**
 * Public list prices (USD per 1M tokens, standard tier, no batch discount, prompts under any
 * long-context threshold) as published by OpenAI and Anthropic, checked as of 2025-11. They change;
 * override or add any model with `prices` in the config. Unknown models get a null (unknown) cost.
 */
const LIST_PRICES: Record<string, Price> = {
  "openai:gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "openai:gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "openai:gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  "openai:gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  "openai:gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
  "openai:o1": { input: 15, cachedInput: 7.5, output: 60 },
  "openai:o3": { input: 2, cachedInput: 0.5, output: 8 },
  "openai:o3-mini": { input: 1.1, cachedInput: 0.55, output: 4.4 },
  "openai:o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
  "openai:gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
  "openai:gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "openai:gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
  "anthropic:claude-opus-4": { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75 },
  "anthropic:claude-opus-4-1": { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75 },
  "anthropic:claude-opus-4-5": { input: 5, cachedInput: 0.5, cacheWrite: 6.25, output: 25 },
  "anthropic:claude-sonnet-4": { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  "anthropic:claude-sonnet-4-5": { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  "anthropic:claude-3-7-sonnet": { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  "anthropic:claude-3-5-sonnet": { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  "anthropic:claude-haiku-4-5": { input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 5 },
  "anthropic:claude-3-5-haiku": { input: 0.8, cachedInput: 0.08, cacheWrite: 1, output: 4 },
  "anthropic:claude-3-haiku": { input: 0.25, cachedInput: 0.03, cacheWrite: 0.3, output: 1.25 },
};

// A dated snapshot or alias of a listed model: "gpt-4.1-2025-04-14", "claude-sonnet-4-20250514",
// "claude-3-5-haiku-latest". Anything else ("gpt-5.1", "gpt-4o-audio-preview") is a different model.
const SNAPSHOT_SUFFIX = /^-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

function lookup(table: Record<string, Price>, key: string): Price | undefined {
  const exact = table[key];
  if (exact) return exact;
  let best: { length: number; price: Price } | undefined;
  for (const [name, price] of Object.entries(table)) {
    if (!key.startsWith(name) || !SNAPSHOT_SUFFIX.test(key.slice(name.length))) continue;
    if (!best || name.length > best.length) best = { length: name.length, price };
  }
  return best?.price;
}

/**
 * The price of a model, or null when unknown. Overrides (from the config) win over the list; `sim`
 * is free (a simulation); ollama and openai-compatible servers have no list price unless overridden.
 */
export function priceFor(spec: string | ModelSpec, overrides: PriceOverrides = {}): Price | null {
  const parsed = typeof spec === "string" ? parseModelSpec(spec) : spec;
  const override = lookup(overrides, parsed.raw);
  if (override) return override;
  const record = registeredProvider(parsed.provider);
  if (record) return record.price ?? null;
  if (parsed.provider !== "openai" && parsed.provider !== "anthropic") return null;
  return lookup(LIST_PRICES, `${parsed.provider}:${parsed.modelId}`) ?? null;
}

/** Token counts of one call, as the ledger records them. */
export interface TokenCounts {
  /** All input tokens, including cached reads and cache writes. */
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  /** All output tokens, including reasoning. */
  outputTokens: number;
}

/** Dollars for the given tokens, or null when the price is unknown. */
export function costOf(tokens: TokenCounts, price: Price | null): number | null {
  if (price === null) return null;
  const uncached = Math.max(0, tokens.inputTokens - tokens.cachedInputTokens - tokens.cacheWriteTokens);
  const micro =
    uncached * price.input +
    tokens.cachedInputTokens * price.cachedInput +
    tokens.cacheWriteTokens * (price.cacheWrite ?? price.input) +
    tokens.outputTokens * price.output;
  return roundUsd(micro / 1_000_000);
}

/** Rounds away float noise (0.1 + 0.2) without losing anything a bill shows. */
export function roundUsd(value: number): number {
  return Math.round(value * 1e10) / 1e10;
}
