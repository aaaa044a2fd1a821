import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { envValue, nonEmptyModelId, type ProviderRecord, trimSlash } from "./record.js";

const DEFAULT_BASE_URL = "http://127.0.0.1:11434/v1";

export const ollamaProvider: ProviderRecord = {
  name: "ollama",
  forms: ["ollama:<model>"],
  needs: `OLLAMA_BASE_URL, default ${DEFAULT_BASE_URL}`,
  // Model ids may contain ":" themselves ("llama3.1:8b"): only the first colon splits the string.
  parse: nonEmptyModelId,
  baseURL: (_spec, env) => trimSlash(envValue(env, "OLLAMA_BASE_URL") ?? DEFAULT_BASE_URL),
  price: () => null,
  create: (spec, env) =>
    createOpenAICompatible({
      name: "ollama",
      baseURL: ollamaProvider.baseURL(spec, env),
      includeUsage: true,
    })(spec.modelId),
};
