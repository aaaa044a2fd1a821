import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { Price } from "../price-table.js";

export type Env = Record<string, string | undefined>;

/** A parsed model string such as "openai:gpt-4.1-mini". */
export interface ModelSpec {
  /** The string as the user wrote it (trimmed). */
  raw: string;
  /** The provider record's name: the prefix before the first ":". */
  provider: string;
  /** What the provider's record parsed from the rest ("gpt-4.1-mini"; for sim its options, or "sim"). */
  modelId: string;
  /** When the URL is part of the string (openai-compatible). */
  baseURL?: string;
}

/** Thrown by `ProviderRecord.parse`: why the text after the prefix is not a model of this provider. */
export class SpecProblem extends Error {}

/**
 * Everything skillgrad knows about one provider, in one place. Adding a provider means writing one
 * record and registering it (see registry.ts); the model-string parser, the key check, the hub, the
 * price lookup and the help text all read the records.
 *
 * Contract:
 * - `parse` gets the text after "<name>:" ("" for the bare name) and returns the model id (and a
 *   base URL when the string carries one), or throws SpecProblem saying what is wrong. It does no
 *   I/O: a model string is checked before any work starts.
 * - `baseURL` names where calls go; with `modelId` it identifies the model for the response cache
 *   and the per-endpoint concurrency limit, so two different models must never share both.
 * - `create` builds the bare LanguageModelV3 (the hub adds cache, retries, limits and the ledger).
 *   It may be called once per role; the model must not start I/O before its first call.
 * - `price` returns list prices (USD per 1M tokens) or null when unknown; config overrides win.
 */
export interface ProviderRecord {
  /** The prefix of its model strings ("openai"). */
  name: string;
  /** The accepted forms, for errors and help ("openai:<model>"). */
  forms: readonly string[];
  /** What it needs, in a few words, for help text ("OPENAI_API_KEY, optional OPENAI_BASE_URL"). */
  needs?: string;
  /** Whether the name alone ("sim") is a complete model string. */
  bareName?: boolean;
  /** Parses what follows "<name>:"; throws SpecProblem. */
  parse(rest: string): { modelId: string; baseURL?: string };
  /** The environment variable holding its key, and whether calls need it. */
  key?: { variable: string; required: boolean };
  /** Where calls go (an URL, or a label such as "sim" for models that run in this process). */
  baseURL(spec: ModelSpec, env: Env): string;
  price(spec: ModelSpec): Price | null;
  create(spec: ModelSpec, env: Env): LanguageModelV3;
  /**
   * Parallel calls per endpoint when the config names none for this provider (default: the hub's
   * default). `ownConcurrency` keeps a single-number `concurrency` setting from applying to it.
   */
  concurrency?: { default: number; ownConcurrency?: boolean };
  /** Longest wait for one attempt when the config sets none (default: the hub's 120 s). */
  timeoutMs?: number;
  /** A simulation, not a language model: output says so wherever it shows. */
  simulated?: boolean;
}

export function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** The model id for `<name>:<model>` forms: anything but empty. */
export function nonEmptyModelId(rest: string): { modelId: string } {
  if (rest === "") throw new SpecProblem("the model name is missing");
  return { modelId: rest };
}
