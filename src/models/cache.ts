import { createHash, randomBytes } from "node:crypto";
import { renameSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import { z } from "zod";
import { maskText } from "../util/secrets.js";

/** Bump when the key or file layout changes, so old entries are simply never found. */
const CACHE_FORMAT = 1;

/** What identifies the model behind a call: the same id at another URL is another model. */
export interface ModelIdentity {
  provider: string;
  modelId: string;
  baseURL: string;
}

/**
 * Turns a value into plain JSON with sorted keys, so equal inputs give equal text. Bytes, dates and
 * URLs (which appear in prompts and results) become tagged objects that `fromPlainJson` revives.
 */
export function toPlainJson(value: unknown): unknown {
  if (value === null || typeof value !== "object") {
    return typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
  }
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString("base64") };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (value instanceof URL) return { $url: value.href };
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toPlainJson(item)));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined && typeof item !== "function") out[key] = toPlainJson(item);
  }
  return out;
}

export function fromPlainJson(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(fromPlainJson);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1) {
    if (typeof record.$bytes === "string") return new Uint8Array(Buffer.from(record.$bytes, "base64"));
    if (typeof record.$date === "string") return new Date(record.$date);
    if (typeof record.$url === "string") return new URL(record.$url);
  }
  return Object.fromEntries(keys.map((key) => [key, fromPlainJson(record[key])]));
}

/**
 * The content address of a call: everything that decides the answer (model and where it is served,
 * prompt, tools, sampling settings, provider options) and nothing that does not (abort signal,
 * headers, which is also where keys would travel).
 */
export function cacheKey(model: ModelIdentity, params: LanguageModelV3CallOptions): string {
  const decisive = {
    format: CACHE_FORMAT,
    model,
    prompt: params.prompt,
    tools: params.tools,
    toolChoice: params.toolChoice,
    temperature: params.temperature,
    topP: params.topP,
    topK: params.topK,
    presencePenalty: params.presencePenalty,
    frequencyPenalty: params.frequencyPenalty,
    maxOutputTokens: params.maxOutputTokens,
    seed: params.seed,
    stopSequences: params.stopSequences,
    responseFormat: params.responseFormat,
    providerOptions: params.providerOptions,
  };
  return createHash("sha256")
    .update(JSON.stringify(toPlainJson(decisive)))
    .digest("hex");
}

const storedSchema = z.object({
  format: z.literal(CACHE_FORMAT),
  model: z.string(),
  createdAt: z.string(),
  result: z.looseObject({
    content: z.array(z.unknown()),
    finishReason: z.looseObject({ unified: z.string() }),
    usage: z.looseObject({ inputTokens: z.looseObject({}), outputTokens: z.looseObject({}) }),
    warnings: z.array(z.unknown()),
  }),
});

/** Response files under a directory, named by the sha256 of the call; safe to share between runs. */
export class ResponseCache {
  constructor(readonly dir: string) {}

  private fileFor(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The stored answer, or undefined when there is none (or it is unreadable, which is a miss). */
  async get(key: string): Promise<LanguageModelV3GenerateResult | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileFor(key), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return undefined; // a file from an older, non-atomic writer: overwrite it on the next put
    }
    const stored = storedSchema.safeParse(json);
    if (!stored.success) return undefined;
    return fromPlainJson(stored.data.result) as LanguageModelV3GenerateResult;
  }

  /**
   * Stores what a later identical call needs; written to a temp file and renamed, so readers never
   * see half. `afterCommit` runs synchronously right after the rename (the hub writes the call's
   * ledger line there), so a kill can hardly fall between the answer being kept and its record.
   */
  async put(
    key: string,
    modelLabel: string,
    result: LanguageModelV3GenerateResult,
    afterCommit?: () => void,
  ): Promise<void> {
    const kept = {
      content: result.content,
      finishReason: result.finishReason,
      usage: { ...result.usage, raw: undefined },
      warnings: result.warnings,
      providerMetadata: result.providerMetadata,
      response: result.response && {
        id: result.response.id,
        timestamp: result.response.timestamp,
        modelId: result.response.modelId,
      },
    };
    const file = this.fileFor(key);
    const body = JSON.stringify({
      format: CACHE_FORMAT,
      model: modelLabel,
      createdAt: new Date().toISOString(),
      result: toPlainJson(kept),
    });
    await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
    const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(temp, maskText(body));
      renameSync(temp, file);
      afterCommit?.();
    } finally {
      await rm(temp, { force: true });
    }
  }
}
