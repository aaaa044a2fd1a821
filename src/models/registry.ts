import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { Price } from "./prices.js";
import type { Env } from "./providers.js";
import type { ModelSpec } from "./spec.js";

/**
 * A provider that lives outside this module and registers itself (the offline `sim` simulation, in
 * src/sim/). models/ knows only this contract, so it depends on the AI SDK alone.
 *
 * Contract: `name` is the spec prefix — the spec is `<name>` or `<name>:<rest>`; `parse` validates
 * `<rest>` ("" when absent) and returns the model id, throwing a SkillgradError on a bad one (so a
 * typo fails before any work); `create` builds the bare model (the hub adds cache, retries, ledger).
 */
export interface ProviderRecord {
  name: string;
  /** How the form reads in "use one of …" messages, e.g. "sim" or "sim:<options>". */
  form: string;
  parse(rest: string): string;
  create(spec: ModelSpec, env: Env): LanguageModelV3;
  /** Where its calls go, for the cache identity and the concurrency limiter. Default: the name. */
  baseURL?: string;
  /** Its price per million tokens; null (unknown) when left out. A simulation is free. */
  price?: Price | null;
  /** Runs in this process: no concurrency limit unless one is configured for the provider by name. */
  inProcess?: boolean;
  /** The variable holding its key, when it takes one. */
  keyVariable?: { name: string; required: boolean };
}

const registered = new Map<string, ProviderRecord>();

/** Adds (or replaces, by name) a provider. Registering the same record twice changes nothing. */
export function registerProvider(record: ProviderRecord): void {
  registered.set(record.name, record);
}

export function registeredProvider(name: string): ProviderRecord | undefined {
  return registered.get(name);
}

export function registeredProviders(): ProviderRecord[] {
  return [...registered.values()];
}
