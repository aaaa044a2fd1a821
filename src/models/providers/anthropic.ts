import { createAnthropic } from "@ai-sdk/anthropic";
import { lookupPrice, type Price } from "../price-table.js";
import { envValue, nonEmptyModelId, type ProviderRecord, trimSlash } from "./record.js";

const DEFAULT_BASE_URL = "https://api.anthropic.com/v1";

/** Public list prices (USD per 1M tokens, standard tier) as published by Anthropic, checked as of 2025-11. */
const LIST_PRICES: Record<string, Price> = {
  "claude-opus-4": { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75 },
  "claude-opus-4-1": { input: 15, cachedInput: 1.5, cacheWrite: 18.75, output: 75 },
  "claude-opus-4-5": { input: 5, cachedInput: 0.5, cacheWrite: 6.25, output: 25 },
  "claude-sonnet-4": { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  "claude-sonnet-4-5": { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  "claude-3-7-sonnet": { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  "claude-3-5-sonnet": { input: 3, cachedInput: 0.3, cacheWrite: 3.75, output: 15 },
  "claude-haiku-4-5": { input: 1, cachedInput: 0.1, cacheWrite: 1.25, output: 5 },
  "claude-3-5-haiku": { input: 0.8, cachedInput: 0.08, cacheWrite: 1, output: 4 },
  "claude-3-haiku": { input: 0.25, cachedInput: 0.03, cacheWrite: 0.3, output: 1.25 },
};

export const anthropicProvider: ProviderRecord = {
  name: "anthropic",
  forms: ["anthropic:<model>"],
  needs: "ANTHROPIC_API_KEY, optional ANTHROPIC_BASE_URL",
  parse: nonEmptyModelId,
  key: { variable: "ANTHROPIC_API_KEY", required: true },
  baseURL: (_spec, env) => trimSlash(envValue(env, "ANTHROPIC_BASE_URL") ?? DEFAULT_BASE_URL),
  price: (spec) => lookupPrice(LIST_PRICES, spec.modelId) ?? null,
  create: (spec, env) =>
    createAnthropic({
      apiKey: envValue(env, "ANTHROPIC_API_KEY"),
      baseURL: anthropicProvider.baseURL(spec, env),
    })(spec.modelId),
};
