import type { LanguageModelV3 } from "@ai-sdk/provider";
import { SkillgradError } from "../../errors.js";
import { registerSecret, registerUrlSecrets } from "../../util/secrets.js";
import { parseModelSpec } from "../spec.js";
import { type Env, envValue, type ModelSpec, type ProviderRecord } from "./record.js";
import { providerNamed } from "./registry.js";

export { type Env, type ModelSpec, type ProviderRecord, SpecProblem } from "./record.js";
export {
  isSimulatedModel,
  modelFormsHelp,
  providerNamed,
  providerRecords,
  registerProvider,
} from "./registry.js";

/** The record behind a parsed spec (parseModelSpec only yields registered providers). */
export function providerFor(spec: ModelSpec): ProviderRecord {
  const record = providerNamed(spec.provider);
  if (!record) throw new SkillgradError(`no provider "${spec.provider}" is registered`);
  return record;
}

/** The variable that holds a provider's key, if it takes one. */
export function keyVariableFor(provider: string): string | undefined {
  return providerNamed(provider)?.key?.variable;
}

/** Where calls for this spec go (a label such as "sim" for models that run in this process). */
export function baseURLFor(spec: ModelSpec, env: Env): string {
  return providerFor(spec).baseURL(spec, env);
}

/**
 * Checks, before any work starts, that every provider chosen has its API key.
 * Parses each spec too, so a typo fails here rather than mid-run.
 */
export function checkModelCredentials(specs: string[], env: Env = process.env): void {
  const missing = new Map<string, string[]>();
  for (const text of specs) {
    const spec = parseModelSpec(text);
    const key = providerFor(spec).key;
    if (!key?.required || envValue(env, key.variable) !== undefined) continue;
    missing.set(key.variable, [...(missing.get(key.variable) ?? []), spec.raw]);
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
  const record = providerFor(parsed);
  // Whatever a server echoes back (the key, a URL's password) is masked in every record.
  registerUrlSecrets(record.baseURL(parsed, env));
  if (record.key) registerSecret(envValue(env, record.key.variable));
  return record.create(parsed, env);
}
