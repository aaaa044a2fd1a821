import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { SkillgradError } from "../errors.js";

/** Files that make a folder a run folder: any one is enough (a killed run may lack the others). */
const RUN_MARKERS = ["config.json", "events.jsonl", "summary.json"] as const;

export function isRunFolder(dir: string): boolean {
  return RUN_MARKERS.some((file) => existsSync(join(dir, file)));
}

/**
 * The run folder a user named: a path, or a run id inside `runsDir`. Anything else is a one-line
 * error that says what a run folder is.
 */
export function resolveRunDir(run: string, runsDir = "runs"): string {
  const candidates = [resolve(run), resolve(runsDir, run)];
  for (const dir of candidates) {
    if (existsSync(dir) && statSync(dir).isDirectory() && isRunFolder(dir)) return dir;
  }
  const dir = candidates[0] as string;
  if (!existsSync(dir)) {
    throw new SkillgradError(
      `no run folder ${run}: pass a run folder (see skillgrad runs) or a run id in ${runsDir}`,
    );
  }
  throw new SkillgradError(
    `${run} is not a run folder (it has no config.json, events.jsonl or summary.json): pass a folder made by skillgrad eval or optimize`,
  );
}

/** Parsed JSON of a file, `undefined` when it is absent, or an Error when it is unreadable. */
export function readJsonFile(path: string): unknown | undefined | Error {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Parsed JSON of a file, or null when it is absent or unreadable: for reports, which show what is there. */
export function readJsonOrNull<T>(path: string): T | null {
  const value = readJsonFile(path);
  return value === undefined || value instanceof Error ? null : (value as T);
}

/** Objects of a JSON-lines file; lines that do not parse (a cut-off last line) are counted, not fatal. */
export function readJsonLines(path: string): { rows: Array<Record<string, unknown>>; bad: number } {
  if (!existsSync(path)) return { rows: [], bad: 0 };
  const rows: Array<Record<string, unknown>> = [];
  let bad = 0;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === "object" && !Array.isArray(value))
        rows.push(value as Record<string, unknown>);
      else bad++;
    } catch {
      bad++;
    }
  }
  return { rows, bad };
}

/** The key figures of one run, as `skillgrad runs` lists them. */
export interface RunListing {
  id: string;
  dir: string;
  command: string;
  skill: string | null;
  model: string | null;
  /** Pass rate: eval → the run's; optimize → the best version's on test (else validation). */
  score: number | null;
  /** What `score` measures, e.g. "test (best v003)". */
  scoreOf: string | null;
  /** The seed's score on the same measure, for optimize runs. */
  seedScore: number | null;
  costUsd: number | null;
  calls: number | null;
  status: string;
  /** ISO time the run started (its first event, else the folder's time). */
  started: string;
}

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined =>
  value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Error)
    ? (value as Json)
    : undefined;
const asString = (value: unknown): string | null => (typeof value === "string" ? value : null);
const asNumber = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;

function firstEventTime(dir: string): string | null {
  const path = join(dir, "events.jsonl");
  if (!existsSync(path)) return null;
  const first = readFileSync(path, "utf8").split("\n", 1)[0] ?? "";
  try {
    return asString(asObject(JSON.parse(first))?.ts);
  } catch {
    return null;
  }
}

function versionScore(value: unknown): {
  test: number | null;
  validation: number | null;
  version: string | null;
} {
  const v = asObject(value);
  return {
    test: asNumber(asObject(v?.test)?.passRate),
    validation: asNumber(v?.validation),
    version: asString(v?.version),
  };
}

/** Reads a run folder's key figures without failing on anything missing. */
export function readRunListing(dir: string): RunListing {
  const config = asObject(readJsonFile(join(dir, "config.json")));
  const summary = asObject(readJsonFile(join(dir, "summary.json")));
  const state = asObject(readJsonFile(join(dir, "state.json")));
  const models = asObject(config?.models);
  const command = asString(config?.command) ?? asString(config?.kind) ?? (state ? "optimize" : "unknown");
  const skillOf = (): string | null => {
    const fromSummary = asString(asObject(summary?.skill)?.name);
    const fromConfig = asString(asObject(config?.skill)?.name);
    const skillDir = asString(config?.skillDir);
    return (
      fromSummary ??
      fromConfig ??
      (skillDir ? (skillDir.split(/[\\/]/).filter(Boolean).at(-1) ?? null) : null)
    );
  };
  let score: number | null = null;
  let scoreOf: string | null = null;
  let seedScore: number | null = null;
  if (command === "eval") {
    score = asNumber(summary?.passRate);
    scoreOf = score === null ? null : "pass rate";
  } else if (command === "compare") {
    score = asNumber(summary?.winRateB);
    scoreOf = score === null ? null : "B's win rate";
  } else if (command === "triggers eval") {
    score = asNumber(asObject(summary?.metrics)?.f1);
    scoreOf = score === null ? null : "trigger F1";
  } else if (command === "triggers optimize") {
    const heldoutF1 = (v: unknown) => asNumber(asObject(asObject(v)?.heldout)?.f1);
    score = heldoutF1(summary?.best);
    seedScore = heldoutF1(summary?.seed);
    scoreOf =
      score === null ? null : `held-out F1 (best ${asString(asObject(summary?.best)?.version) ?? "?"})`;
  } else if (summary) {
    const best = versionScore(summary.best);
    const seed = versionScore(summary.seed);
    if (best.test !== null) {
      score = best.test;
      seedScore = seed.test;
      scoreOf = `test (best ${best.version ?? "?"})`;
    } else if (best.validation !== null) {
      score = best.validation;
      seedScore = seed.validation;
      scoreOf = `validation (best ${best.version ?? "?"})`;
    }
  }
  const status = asString(summary?.status) ?? asString(state?.status) ?? (summary ? "done" : "incomplete");
  return {
    id: dir.split(/[\\/]/).filter(Boolean).at(-1) ?? dir,
    dir,
    command,
    skill: skillOf(),
    model: asString(summary?.model) ?? asString(models?.executor) ?? null,
    score,
    scoreOf,
    seedScore,
    costUsd: asNumber(summary?.costUsd),
    calls: asNumber(summary?.calls),
    status: command === "eval" && summary ? "done" : status,
    started: firstEventTime(dir) ?? statSync(dir).mtime.toISOString(),
  };
}

/** Every run folder directly inside `runsDir`, newest first. A missing folder has no runs. */
export function listRuns(runsDir: string): RunListing[] {
  const root = resolve(runsDir);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => join(root, entry.name))
    .filter(isRunFolder)
    .map(readRunListing)
    .sort((a, b) => b.started.localeCompare(a.started) || b.id.localeCompare(a.id));
}
