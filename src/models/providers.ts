import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { SkillgradError } from "../errors.js";
import { registeredProvider } from "./registry.js";
import { type ModelSpec, parseModelSpec } from "./spec.js";

export type Env = Record<string, string | undefined>;

export const DEFAULT_BASE_URLS = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com/v1",
  ollama: "http://127.0.0.1:11434/v1",
} as const;

/** The environment variable holding each provider's key, and whether a call without it can work. */
const KEY_VARIABLES: Partial<Record<ModelSpec["provider"], { name: string; required: boolean }>> = {
  openai: { name: "OPENAI_API_KEY", required: true },
  anthropic: { name: "ANTHROPIC_API_KEY", required: true },
  "openai-compatible": { name: "OPENAI_COMPATIBLE_API_KEY", required: false },
};

function keyFor(provider: ModelSpec["provider"]) {
  return KEY_VARIABLES[provider] ?? registeredProvider(provider)?.keyVariable;
}

/** The variable that holds a provider's key, if it takes one. */
export function keyVariableFor(provider: ModelSpec["provider"]): string | undefined {
  return keyFor(provider)?.name;
}

function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** Where calls for this spec go (a registered provider says; by default its name). */
export function baseURLFor(spec: ModelSpec, env: Env): string {
  const record = registeredProvider(spec.provider);
  if (record) return record.baseURL ?? record.name;
  switch (spec.provider) {
    case "openai":
      return trimSlash(envValue(env, "OPENAI_BASE_URL") ?? DEFAULT_BASE_URLS.openai);
    case "anthropic":
      return trimSlash(envValue(env, "ANTHROPIC_BASE_URL") ?? DEFAULT_BASE_URLS.anthropic);
    case "ollama":
      return trimSlash(envValue(env, "OLLAMA_BASE_URL") ?? DEFAULT_BASE_URLS.ollama);
    case "openai-compatible":
      return spec.baseURL ?? "";
    default:
      return "";
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * Checks, before any work starts, that every provider chosen has its API key.
 * Parses each spec too, so a typo fails here rather than mid-run.
 */
export function checkModelCredentials(specs: string[], env: Env = process.env): void {
  const missing = new Map<string, string[]>();
  for (const text of specs) {
    const spec = parseModelSpec(text);
    const key = keyFor(spec.provider);
    if (!key?.required || envValue(env, key.name) !== undefined) continue;
    missing.set(key.name, [...(missing.get(key.name) ?? []), spec.raw]);
  }
  if (missing.size === 0) return;
  const names = [...missing.keys()];
  const users = [...new Set([...missing.values()].flat())].join(", ");
  if (names.length === 1) {
    throw new SkillgradError(
      `${names[0]} is not set (needed by ${users}): export it, or choose another model with --model`,
    );
  }
  throw new SkillgradError(
    `${names.join(" and ")} are not set (needed by ${users}): export them, or choose other models with --model`,
  );
}

/** Builds the bare provider model for a spec (no cache, retries or ledger: ModelHub adds those). */
export function createProviderModel(spec: ModelSpec | string, env: Env = process.env): LanguageModelV3 {
  const parsed = typeof spec === "string" ? parseModelSpec(spec) : spec;
  checkModelCredentials([parsed.raw], env);
  const record = registeredProvider(parsed.provider);
  if (record) return record.create(parsed, env);
  const baseURL = baseURLFor(parsed, env);
  switch (parsed.provider) {
    case "openai":
      // Chat Completions rather than the Responses API: every OpenAI-compatible proxy a user may
      // point OPENAI_BASE_URL at speaks it, and it reports cached and reasoning tokens too.
      return createOpenAI({ apiKey: envValue(env, "OPENAI_API_KEY"), baseURL }).chat(parsed.modelId);
    case "anthropic":
      return createAnthropic({ apiKey: envValue(env, "ANTHROPIC_API_KEY"), baseURL })(parsed.modelId);
    case "ollama":
      return createOpenAICompatible({ name: "ollama", baseURL, includeUsage: true })(parsed.modelId);
    case "openai-compatible":
      return createOpenAICompatible({
        name: "openai-compatible",
        baseURL,
        apiKey: envValue(env, "OPENAI_COMPATIBLE_API_KEY"),
        includeUsage: true,
      })(parsed.modelId);
    default:
      throw new SkillgradError(`no provider "${parsed.provider}" is registered`);
  }
}
