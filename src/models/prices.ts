import { z } from "zod";
import { lookupPrice, type Price, priceSchema } from "./price-table.js";
import { providerFor } from "./providers/index.js";
import { type ModelSpec, parseModelSpec } from "./spec.js";

export { type Price, priceSchema } from "./price-table.js";

/** `prices` in a config: keyed by model string, e.g. {"openai:my-model": {input, cachedInput, output}}. */
export const priceOverridesSchema = z.record(z.string(), priceSchema);
export type PriceOverrides = z.infer<typeof priceOverridesSchema>;

/**
 * The price of a model, or null when unknown. Overrides (from the config) win over the provider's own
 * table (list prices for OpenAI and Anthropic; free for sim; none for ollama and openai-compatible).
 */
export function priceFor(spec: string | ModelSpec, overrides: PriceOverrides = {}): Price | null {
  const parsed = typeof spec === "string" ? parseModelSpec(spec) : spec;
  return lookupPrice(overrides, parsed.raw) ?? providerFor(parsed).price(parsed);
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
