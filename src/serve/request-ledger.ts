import { mkdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { SkillgradError } from "../errors.js";
import { appendJsonLineSync } from "../util/fs.js";

/**
 * One line of serve's ledger: one HTTP request, what it asked for, what happened to it (status,
 * injected fault) and, when it reached the model, what the model call cost (from the hub's ledger
 * entry for it: a repeat of an answered request is a cache hit and costs nothing).
 */
export const serveLedgerLineSchema = z.object({
  ts: z.string(),
  request: z.string(),
  method: z.string(),
  path: z.string(),
  /** chat.completions | responses | messages | count_tokens | models | health | unknown */
  api: z.string(),
  /** The model name the client asked for (serve answers with its own model whatever the name). */
  askedModel: z.string().optional(),
  /** The model string serve runs. */
  model: z.string(),
  stream: z.boolean(),
  /** The HTTP status sent; null when the connection was dropped or held (reset, timeout). */
  status: z.number().nullable(),
  fault: z.string().optional(),
  ms: z.number(),
  /** Whether a model call was made (or answered from the cache) for this request. */
  modelCall: z.boolean(),
  inputTokens: z.number(),
  cachedInputTokens: z.number(),
  outputTokens: z.number(),
  reasoningTokens: z.number(),
  costUsd: z.number().nullable(),
  cacheHit: z.boolean(),
  /** Retries the model layer made against serve's own model. */
  retries: z.number(),
  error: z.string().optional(),
});
export type ServeLedgerLine = z.infer<typeof serveLedgerLineSchema>;

/** Appends whole lines synchronously, so a killed server leaves no half line behind. */
export class ServeLedger {
  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  append(line: ServeLedgerLine): void {
    appendJsonLineSync(this.path, line);
  }
}

export async function readServeLedger(path: string): Promise<ServeLedgerLine[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    throw new SkillgradError(`cannot read serve ledger ${path}`);
  }
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => serveLedgerLineSchema.parse(JSON.parse(line)));
}
