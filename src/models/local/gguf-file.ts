import { open, stat } from "node:fs/promises";
import { freemem, totalmem } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { SkillgradError } from "../../errors.js";
import { catalogModel, catalogModelPath, MODEL_CATALOG } from "./catalog.js";

type Env = Record<string, string | undefined>;

/** Whether the text after "local:" names a file rather than a catalog model. */
export function isModelPath(name: string): boolean {
  return name.endsWith(".gguf") || name.includes("/") || name.includes("\\") || isAbsolute(name);
}

/** The GGUF file a `local:` model id stands for (a catalog name, or a path). No I/O. */
export function localModelPath(modelId: string, env: Env = process.env): string {
  const known = catalogModel(modelId);
  if (known) return catalogModelPath(known, env);
  return resolve(modelId);
}

/** The names `local:` takes besides paths, for messages. */
export function catalogNames(): string {
  return MODEL_CATALOG.map((model) => model.name).join(", ");
}

export interface MemoryProbe {
  free: () => number;
  total: () => number;
}

const SYSTEM_MEMORY: MemoryProbe = { free: freemem, total: totalmem };

function gigabytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/**
 * Checks a GGUF file before node-llama-cpp loads it, so the common failures get a message that says
 * what to do: missing (pull it, or check the path), not a GGUF (wrong file), too large for memory.
 */
export async function checkGgufFile(
  modelId: string,
  path: string,
  memory: MemoryProbe = SYSTEM_MEMORY,
): Promise<number> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new SkillgradError(`local model ${path} is not a file: give the path of a .gguf file`);
    size = info.size;
  } catch (error) {
    if (error instanceof SkillgradError) throw error;
    const known = catalogModel(modelId);
    throw new SkillgradError(
      known
        ? `local model ${modelId} is not installed (no ${path}): run \`skillgrad models pull ${modelId}\``
        : `local model file ${path} not found: check the path, or use one of ${catalogNames()} after \`skillgrad models pull NAME\``,
    );
  }
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead < 4 || head.toString("latin1") !== "GGUF") {
      throw new SkillgradError(
        `${path} is not a GGUF model file (it does not start with "GGUF"): give a .gguf file made for llama.cpp`,
      );
    }
  } finally {
    await handle.close();
  }
  // The weights are mapped into memory; with less than their size free the load would thrash or fail.
  if (size > memory.total()) {
    throw new SkillgradError(
      `local model ${path} (${gigabytes(size)}) is larger than this machine's memory (${gigabytes(memory.total())}): use a smaller or more quantized model`,
    );
  }
  if (size > memory.free()) {
    throw new SkillgradError(
      `local model ${path} (${gigabytes(size)}) does not fit in free memory (${gigabytes(memory.free())} free): close other programs or use a smaller model`,
    );
  }
  return size;
}
