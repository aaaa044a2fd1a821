import { statSync } from "node:fs";
import { catalogModel } from "../local/catalog.js";
import { catalogNames, isModelPath, localModelPath } from "../local/gguf-file.js";
import { createLocalModel } from "../local/model.js";
import { NODE_LLAMA_CPP_VERSION, runtimeSettings } from "../local/runtime.js";
import { FREE } from "../price-table.js";
import { type ProviderRecord, SpecProblem } from "./record.js";

/**
 * `local:NAME` (a model pulled with `skillgrad models pull NAME`) or `local:/path/to/model.gguf`:
 * a GGUF model run in this process by node-llama-cpp (an optional peer dependency). No server, no
 * key, no cost; tokens are counted.
 */
export const localProvider: ProviderRecord = {
  name: "local",
  forms: ["local:<name>", "local:<path.gguf>"],
  needs: `node-llama-cpp@${NODE_LLAMA_CPP_VERSION}; names: ${catalogNames()} (skillgrad models pull NAME)`,
  parse(rest) {
    if (rest === "") throw new SpecProblem(`name a pulled model (${catalogNames()}) or a .gguf file`);
    if (!catalogModel(rest) && !isModelPath(rest)) {
      throw new SpecProblem(
        `"${rest}" is neither a known model (${catalogNames()}) nor a path to a .gguf file`,
      );
    }
    return { modelId: rest };
  },
  // Identifies the weights for the cache: a catalog model by its checksum, a file by path, size and time.
  baseURL(spec, env) {
    const known = catalogModel(spec.modelId);
    if (known) return `local://${known.name}@sha256:${known.sha256.slice(0, 16)}`;
    const path = localModelPath(spec.modelId, env);
    try {
      const info = statSync(path);
      return `local://${path}#${info.size}-${Math.round(info.mtimeMs)}`;
    } catch {
      return `local://${path}`;
    }
  },
  price: () => FREE,
  create: (spec, env) =>
    createLocalModel({
      modelId: spec.modelId,
      path: localModelPath(spec.modelId, env),
      settings: runtimeSettings(env),
    }),
  // the model's parallel sequences (SKILLGRAD_LOCAL_SEQUENCES, default 4): more calls would only queue
  concurrency: { default: 4 },
  // a CPU generating a long reply can take minutes; a retry would only start it again
  timeoutMs: 900_000,
};
