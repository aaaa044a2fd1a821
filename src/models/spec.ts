import { UsageError } from "../errors.js";
import { type ModelSpec, SpecProblem } from "./providers/record.js";
import { acceptedModelForms, providerNamed } from "./providers/registry.js";

export type { ModelSpec } from "./providers/record.js";
/** A registered provider's name ("openai", "sim", …). */
export type ProviderName = string;

/** The accepted model-string forms, one per registered provider. */
export function modelSpecForms(): string[] {
  return acceptedModelForms();
}

function badSpec(raw: string, why: string): UsageError {
  return new UsageError(
    `invalid model "${raw}" (${why}): use one of ${acceptedModelForms().join(", ")}, e.g. openai:gpt-4.1-mini`,
  );
}

/** Parses a model string; throws a UsageError (exit 2) listing the accepted forms when it is not one. */
export function parseModelSpec(input: string): ModelSpec {
  const raw = input.trim();
  const colon = raw.indexOf(":");
  // Model ids may contain ":" themselves (ollama "llama3.1:8b"), so only the first colon splits.
  const prefix = colon < 0 ? raw : raw.slice(0, colon);
  const rest = colon < 0 ? "" : raw.slice(colon + 1).trim();
  const record = providerNamed(prefix);
  if (colon < 0 && !record?.bareName) throw badSpec(raw, "no provider prefix");
  if (!record) throw badSpec(raw, `unknown provider "${prefix}"`);
  try {
    return { raw, provider: record.name, ...record.parse(rest) };
  } catch (error) {
    if (error instanceof SpecProblem) throw badSpec(raw, error.message);
    throw error;
  }
}
