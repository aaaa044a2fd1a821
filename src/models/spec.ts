import { SkillgradError } from "../errors.js";
import { registeredProvider, registeredProviders } from "./registry.js";

/** The providers built in here; others (the offline sim) register themselves (see registry.ts). */
export type BuiltinProvider = "openai" | "anthropic" | "ollama" | "openai-compatible";
export type ProviderName = BuiltinProvider | (string & {});

/** A parsed model string such as "openai:gpt-4.1-mini". */
export interface ModelSpec {
  /** The string as the user wrote it (trimmed). */
  raw: string;
  provider: ProviderName;
  /** The provider's model id ("gpt-4.1-mini"); for a registered provider, what its parse returns. */
  modelId: string;
  /** Only for openai-compatible, where the URL is part of the spec. */
  baseURL?: string;
}

export const MODEL_SPEC_FORMS = [
  "openai:<model>",
  "anthropic:<model>",
  "ollama:<model>",
  "openai-compatible:<baseURL>#<model>",
] as const;

/** Every accepted form: the built-in ones and those of registered providers. */
export function modelSpecForms(): string[] {
  return [...MODEL_SPEC_FORMS, ...registeredProviders().map((record) => record.form)];
}

function badSpec(raw: string, why: string): SkillgradError {
  return new SkillgradError(
    `invalid model "${raw}" (${why}): use one of ${modelSpecForms().join(", ")}, e.g. openai:gpt-4.1-mini`,
  );
}

/** Parses a model string; throws a SkillgradError listing the accepted forms when it is not one. */
export function parseModelSpec(input: string): ModelSpec {
  const raw = input.trim();
  const bare = registeredProvider(raw);
  if (bare) return { raw, provider: bare.name, modelId: bare.parse("") };
  const colon = raw.indexOf(":");
  if (colon < 0) throw badSpec(raw, "no provider prefix");
  const prefix = raw.slice(0, colon);
  // Model ids may contain ":" themselves (ollama "llama3.1:8b"), so only the first colon splits.
  const rest = raw.slice(colon + 1).trim();
  const record = registeredProvider(prefix);
  if (record) return { raw, provider: record.name, modelId: record.parse(rest) };
  switch (prefix) {
    case "openai":
    case "anthropic":
    case "ollama":
      if (rest === "") throw badSpec(raw, "the model name is missing");
      return { raw, provider: prefix, modelId: rest };
    case "openai-compatible":
      return parseCompatible(raw, rest);
    default:
      throw badSpec(raw, `unknown provider "${prefix}"`);
  }
}

function parseCompatible(raw: string, rest: string): ModelSpec {
  const hash = rest.lastIndexOf("#");
  if (hash < 0) throw badSpec(raw, "openai-compatible needs <baseURL>#<model>");
  const baseURL = rest.slice(0, hash).trim().replace(/\/+$/, "");
  const modelId = rest.slice(hash + 1).trim();
  if (modelId === "") throw badSpec(raw, "the model name after # is missing");
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw badSpec(raw, `"${baseURL}" is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw badSpec(raw, `"${baseURL}" is not an http(s) URL`);
  }
  return { raw, provider: "openai-compatible", modelId, baseURL };
}
