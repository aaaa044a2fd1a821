import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { envValue, type ProviderRecord, SpecProblem } from "./record.js";

export const openaiCompatibleProvider: ProviderRecord = {
  name: "openai-compatible",
  forms: ["openai-compatible:<baseURL>#<model>"],
  needs: "optional OPENAI_COMPATIBLE_API_KEY",
  parse(rest) {
    const hash = rest.lastIndexOf("#");
    if (hash < 0) throw new SpecProblem("openai-compatible needs <baseURL>#<model>");
    const baseURL = rest.slice(0, hash).trim().replace(/\/+$/, "");
    const modelId = rest.slice(hash + 1).trim();
    if (modelId === "") throw new SpecProblem("the model name after # is missing");
    let url: URL;
    try {
      url = new URL(baseURL);
    } catch {
      throw new SpecProblem(`"${baseURL}" is not a URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new SpecProblem(`"${baseURL}" is not an http(s) URL`);
    }
    return { modelId, baseURL };
  },
  key: { variable: "OPENAI_COMPATIBLE_API_KEY", required: false },
  baseURL: (spec) => spec.baseURL ?? "",
  price: () => null,
  create: (spec, env) =>
    createOpenAICompatible({
      name: "openai-compatible",
      baseURL: spec.baseURL ?? "",
      apiKey: envValue(env, "OPENAI_COMPATIBLE_API_KEY"),
      includeUsage: true,
    })(spec.modelId),
};
