import { createOpenAI } from "@ai-sdk/openai";
import { lookupPrice, type Price } from "../price-table.js";
import { envValue, nonEmptyModelId, type ProviderRecord, trimSlash } from "./record.js";

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

/**
 * Public list prices (USD per 1M tokens, standard tier, no batch discount, prompts under any
 * long-context threshold) as published by OpenAI, checked as of 2025-11. They change; override or add
 * any model with `prices` in the config.
 */
const LIST_PRICES: Record<string, Price> = {
  "gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  "gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
  o1: { input: 15, cachedInput: 7.5, output: 60 },
  o3: { input: 2, cachedInput: 0.5, output: 8 },
  "o3-mini": { input: 1.1, cachedInput: 0.55, output: 4.4 },
  "o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
  "gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
};

export const openaiProvider: ProviderRecord = {
  name: "openai",
  forms: ["openai:<model>"],
  needs: "OPENAI_API_KEY, optional OPENAI_BASE_URL",
  parse: nonEmptyModelId,
  key: { variable: "OPENAI_API_KEY", required: true },
  baseURL: (_spec, env) => trimSlash(envValue(env, "OPENAI_BASE_URL") ?? DEFAULT_BASE_URL),
  price: (spec) => lookupPrice(LIST_PRICES, spec.modelId) ?? null,
  // Chat Completions rather than the Responses API: every OpenAI-compatible proxy a user may point
  // OPENAI_BASE_URL at speaks it, and it reports cached and reasoning tokens too.
  create: (spec, env) =>
    createOpenAI({
      apiKey: envValue(env, "OPENAI_API_KEY"),
      baseURL: openaiProvider.baseURL(spec, env),
    }).chat(spec.modelId),
};
