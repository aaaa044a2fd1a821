import { readFile } from "node:fs/promises";
import { z } from "zod";
import { SkillgradError } from "../errors.js";
import { appendJsonLineSync } from "../util/fs.js";
import { roundUsd } from "./prices.js";

const savedTokensSchema = z.object({
  input: z.number(),
  cachedInput: z.number(),
  output: z.number(),
  reasoning: z.number(),
});

/**
 * One line of ledger.jsonl: one model call. A cache hit spends nothing, so its token fields and
 * costUsd are 0; the original call's counts are kept in `savedTokens` / `savedCostUsd`.
 * A failed call records the error and whatever retries it took (no tokens: nothing was billed to us).
 */
export const ledgerEntrySchema = z.object({
  ts: z.string(),
  role: z.string(),
  /** The optimizer's stage the call belongs to (execute, diagnose, momentum, patch, validate, test…). */
  stage: z.string().optional(),
  /** A caller's name for the call (serve: the HTTP request id). */
  label: z.string().optional(),
  /** The request's content address (the start of its cache key): an identical request has the same one. */
  request: z.string().optional(),
  model: z.string(),
  inputTokens: z.number(),
  cachedInputTokens: z.number(),
  cacheWriteTokens: z.number().default(0),
  outputTokens: z.number(),
  reasoningTokens: z.number(),
  /** null when the model's price is unknown. */
  costUsd: z.number().nullable(),
  ms: z.number(),
  retries: z.number(),
  cacheHit: z.boolean(),
  savedTokens: savedTokensSchema.optional(),
  savedCostUsd: z.number().nullable().optional(),
  error: z.string().optional(),
  /** A call a queue worker made for one rollout: its key (run/version/task/repeat), attempt and worker. */
  rollout: z.object({ key: z.string(), attempt: z.string(), worker: z.string() }).optional(),
  /** The tools the answer called (an agent's turn), by name, in order. */
  toolCalls: z.array(z.string()).optional(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export interface LedgerBucket {
  calls: number;
  cachedCalls: number;
  failedCalls: number;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** Dollars spent, or null when any call in the bucket had an unknown price. */
  costUsd: number | null;
  /** Dollars of the calls whose price is known (a lower bound when costUsd is null). */
  knownCostUsd: number;
  /** Calls with tokens but no known price. */
  unpricedCalls: number;
  /** Dollars the cache saved (known prices only). */
  savedCostUsd: number;
  ms: number;
}

export interface LedgerTotals {
  total: LedgerBucket;
  byRole: Record<string, LedgerBucket>;
  byModel: Record<string, LedgerBucket>;
  /** Calls recorded with a stage, by stage. */
  byStage: Record<string, LedgerBucket>;
}

export function emptyBucket(): LedgerBucket {
  return {
    calls: 0,
    cachedCalls: 0,
    failedCalls: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    knownCostUsd: 0,
    unpricedCalls: 0,
    savedCostUsd: 0,
    ms: 0,
  };
}

function add(bucket: LedgerBucket, entry: LedgerEntry): void {
  bucket.calls += 1;
  if (entry.cacheHit) bucket.cachedCalls += 1;
  if (entry.error !== undefined) bucket.failedCalls += 1;
  bucket.inputTokens += entry.inputTokens;
  bucket.cachedInputTokens += entry.cachedInputTokens;
  bucket.cacheWriteTokens += entry.cacheWriteTokens;
  bucket.outputTokens += entry.outputTokens;
  bucket.reasoningTokens += entry.reasoningTokens;
  bucket.ms += entry.ms;
  if (entry.costUsd === null) {
    bucket.unpricedCalls += 1;
    bucket.costUsd = null;
  } else {
    bucket.knownCostUsd = roundUsd(bucket.knownCostUsd + entry.costUsd);
    if (bucket.costUsd !== null) bucket.costUsd = roundUsd(bucket.costUsd + entry.costUsd);
  }
  if (typeof entry.savedCostUsd === "number") {
    bucket.savedCostUsd = roundUsd(bucket.savedCostUsd + entry.savedCostUsd);
  }
}

/** Running totals, overall and per role and per model. */
export function summarizeLedger(entries: Iterable<LedgerEntry>): LedgerTotals {
  const totals: LedgerTotals = { total: emptyBucket(), byRole: {}, byModel: {}, byStage: {} };
  for (const entry of entries) addToTotals(totals, entry);
  return totals;
}

export function addToTotals(totals: LedgerTotals, entry: LedgerEntry): void {
  add(totals.total, entry);
  totals.byRole[entry.role] ??= emptyBucket();
  add(totals.byRole[entry.role] as LedgerBucket, entry);
  totals.byModel[entry.model] ??= emptyBucket();
  add(totals.byModel[entry.model] as LedgerBucket, entry);
  if (entry.stage) {
    totals.byStage[entry.stage] ??= emptyBucket();
    add(totals.byStage[entry.stage] as LedgerBucket, entry);
  }
}

/**
 * Reads a ledger.jsonl. A missing file is an empty ledger (a run that made no call yet); a cut-off
 * last line (a crash mid-write) is skipped; any other bad line is an error naming the line.
 */
export async function readLedger(path: string): Promise<LedgerEntry[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const lines = text.split("\n");
  const entries: LedgerEntry[] = [];
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const isLast = lines.slice(index + 1).every((rest) => rest.trim() === "");
    const entry = parseLine(line);
    if (entry) {
      entries.push(entry);
    } else if (!(isLast && !text.endsWith("\n"))) {
      throw new SkillgradError(
        `${path} line ${index + 1} is not a ledger entry: fix or remove that line, or start a new run`,
      );
    }
  }
  return entries;
}

function parseLine(line: string): LedgerEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = ledgerEntrySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** Appends entries as they happen; synchronous so a crash never loses a call that was paid for. */
export class LedgerWriter {
  constructor(readonly path: string) {}

  append(entry: LedgerEntry): void {
    appendJsonLineSync(this.path, entry);
  }
}
