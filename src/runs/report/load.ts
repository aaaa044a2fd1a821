import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { type LedgerEntry, ledgerEntrySchema } from "../../models/index.js";
import type { RunEventRecord } from "../events.js";
import { readJsonFile, readJsonLines, resolveRunDir } from "../list.js";
import {
  batchFileSchema,
  diagnosisSchema,
  evalSummarySchema,
  evaluationSchema,
  gateFileSchema,
  momentumFileSchema,
  optimizeSummarySchema,
  patchFileSchema,
  type ReportDiagnosis,
  type ReportEvalSummary,
  type ReportGate,
  type ReportMemory,
  type ReportOptimizeSummary,
  type ReportOverlay,
  type ReportPatch,
  type ReportState,
  type ReportTaskResult,
  stateFileSchema,
  taskResultSchema,
} from "./schemas.js";

export type { RunEventRecord };

/** A skill version that was made and then thrown away, kept in the iteration folder. */
export interface DiscardedSkill {
  why: "rejected" | "rolled-back" | "no-edits";
  /** The skill folder itself (…/rejected-skill/<name>). */
  dir: string;
}

export interface IterationData {
  n: number;
  /** "iterations/003" */
  path: string;
  batch: { tasks: string[]; version?: string } | null;
  results: ReportTaskResult[];
  /** True when the batch's evaluation finished (evaluation.json exists). */
  executed: boolean;
  diagnoses: ReportDiagnosis[] | null;
  momentum: { memory?: ReportMemory; overlay?: ReportOverlay | null; error?: string | null } | null;
  patch: ReportPatch | null;
  gate: ReportGate | null;
  discarded: DiscardedSkill | null;
  /** The iteration-done event was recorded. */
  done: boolean;
}

/** Everything the report (and `skillgrad show`) reads from a run folder, with notes on what is missing. */
export interface RunData {
  dir: string;
  id: string;
  kind: "eval" | "optimize" | "unknown";
  config: Record<string, unknown> | null;
  /** Role → model string, from config.json. */
  models: Record<string, string>;
  skillName: string | null;
  evalSummary: ReportEvalSummary | null;
  optimizeSummary: ReportOptimizeSummary | null;
  state: ReportState | null;
  events: RunEventRecord[];
  ledger: LedgerEntry[];
  /** eval runs: the top-level results.jsonl. */
  results: ReportTaskResult[];
  iterations: IterationData[];
  /** Skill version ids present under skills/. */
  versions: string[];
  /** Human-readable notes: missing or unreadable files. */
  missing: string[];
}

function parseFile<T extends z.ZodType>(
  dir: string,
  file: string,
  schema: T,
  missing: string[],
  required = false,
): z.infer<T> | null {
  const raw = readJsonFile(join(dir, file));
  if (raw === undefined) {
    if (required) missing.push(`${file} is missing`);
    return null;
  }
  if (raw instanceof Error) {
    missing.push(`${file} is unreadable (${raw.message})`);
    return null;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    missing.push(
      `${file} has an unexpected shape (${issue ? `${issue.path.join(".") || "top"}: ${issue.message}` : "?"})`,
    );
    return null;
  }
  return parsed.data as z.infer<T>;
}

/** Task results of one evaluation folder: evaluation.json when it finished, else the streamed results.jsonl. */
function readResults(
  dir: string,
  sub: string,
  missing: string[],
): { results: ReportTaskResult[]; finished: boolean } {
  const evaluation = parseFile(dir, join(sub, "evaluation.json"), evaluationSchema, missing);
  if (evaluation?.results) return { results: evaluation.results, finished: true };
  const { rows, bad } = readJsonLines(join(dir, sub, "results.jsonl"));
  if (bad > 0) missing.push(`${join(sub, "results.jsonl")}: ${bad} unreadable line(s) skipped`);
  const results = rows.flatMap((row) => {
    const parsed = taskResultSchema.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
  results.sort((a, b) => a.taskId.localeCompare(b.taskId) || a.repeat - b.repeat);
  return { results, finished: evaluation !== null };
}

function discardedSkill(iterDir: string): DiscardedSkill | null {
  for (const why of ["rejected", "rolled-back", "no-edits"] as const) {
    const holder = join(iterDir, `${why}-skill`);
    if (!existsSync(holder)) continue;
    const inner = readdirSync(holder, { withFileTypes: true }).find((entry) => entry.isDirectory());
    return { why, dir: inner ? join(holder, inner.name) : holder };
  }
  return null;
}

function readIteration(
  dir: string,
  n: number,
  name: string,
  doneSet: Set<number>,
  missing: string[],
): IterationData {
  const path = join("iterations", name);
  const batch = parseFile(dir, join(path, "batch.json"), batchFileSchema, missing);
  const executed = readResults(dir, join(path, "execute"), missing);
  const diagnoses = parseFile(dir, join(path, "diagnoses.json"), diagnosisSchema.array(), missing);
  const momentum = parseFile(dir, join(path, "momentum.json"), momentumFileSchema, missing);
  return {
    n,
    path,
    batch,
    results: executed.results,
    executed: executed.finished,
    diagnoses,
    momentum,
    patch: parseFile(dir, join(path, "patch.json"), patchFileSchema, missing),
    gate: parseFile(dir, join(path, "gate.json"), gateFileSchema, missing),
    discarded: discardedSkill(join(dir, path)),
    done: doneSet.has(n),
  };
}

function readLedgerLenient(path: string, missing: string[]): LedgerEntry[] {
  const { rows, bad } = readJsonLines(path);
  const entries: LedgerEntry[] = [];
  let unknown = bad;
  for (const row of rows) {
    const parsed = ledgerEntrySchema.safeParse(row);
    if (parsed.success) entries.push(parsed.data);
    else unknown++;
  }
  if (unknown > 0) missing.push(`ledger.jsonl: ${unknown} line(s) not in the ledger format were skipped`);
  return entries;
}

const stringRecord = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(value && typeof value === "object" ? (value as Record<string, unknown>) : {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );

/** Reads a run folder (a path or a run id in `runsDir`). Throws a one-line error when it is not a run. */
export function loadRun(run: string, runsDir?: string): RunData {
  const dir = resolveRunDir(run, runsDir);
  const missing: string[] = [];
  const configRaw = readJsonFile(join(dir, "config.json"));
  let config: Record<string, unknown> | null = null;
  if (configRaw === undefined)
    missing.push("config.json is missing: the run's configuration and models are unknown");
  else if (configRaw instanceof Error || typeof configRaw !== "object" || configRaw === null) {
    missing.push("config.json is unreadable");
  } else config = configRaw as Record<string, unknown>;

  const command = typeof config?.command === "string" ? config.command : config?.kind;
  const hasState = existsSync(join(dir, "state.json")) || existsSync(join(dir, "iterations"));
  const kind: RunData["kind"] =
    command === "eval" ? "eval" : command === "optimize" || hasState ? "optimize" : "unknown";

  const eventsRead = readJsonLines(join(dir, "events.jsonl"));
  if (!existsSync(join(dir, "events.jsonl"))) missing.push("events.jsonl is missing: no timings");
  const events = eventsRead.rows.filter((row): row is RunEventRecord => typeof row.type === "string");
  const doneSet = new Set(
    events
      .filter((e) => e.type === "iteration-done" && typeof e.iteration === "number")
      .map((e) => e.iteration as number),
  );

  const data: RunData = {
    dir,
    id: dir.split(/[\\/]/).filter(Boolean).at(-1) ?? dir,
    kind,
    config,
    models: stringRecord(config?.models),
    skillName: null,
    evalSummary: null,
    optimizeSummary: null,
    state: null,
    events,
    ledger: readLedgerLenient(join(dir, "ledger.jsonl"), missing),
    results: [],
    iterations: [],
    versions: [],
    missing,
  };

  if (kind === "eval") {
    data.evalSummary = parseFile(dir, "summary.json", evalSummarySchema, missing, true);
    data.results = readResults(dir, ".", missing).results;
    if (!data.evalSummary && data.results.length > 0)
      missing.push("the run did not finish: its results so far are shown");
  } else {
    data.optimizeSummary = parseFile(dir, "summary.json", optimizeSummarySchema, missing, true);
    data.state = parseFile(dir, "state.json", stateFileSchema, missing, true);
    const iterRoot = join(dir, "iterations");
    const names = existsSync(iterRoot)
      ? readdirSync(iterRoot, { withFileTypes: true })
          .filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name))
          .map((entry) => entry.name)
          .sort()
      : [];
    data.iterations = names.map((name) => readIteration(dir, Number(name), name, doneSet, missing));
    const skillsRoot = join(dir, "skills");
    data.versions = existsSync(skillsRoot)
      ? readdirSync(skillsRoot, { withFileTypes: true })
          .filter((entry) => entry.isDirectory() && /^v\d+$/.test(entry.name))
          .map((entry) => entry.name)
          .sort()
      : [];
    if (data.versions.length === 0) missing.push("skills/ is missing: no skill versions to diff");
  }
  data.skillName = skillNameOf(data);
  return data;
}

function skillNameOf(data: RunData): string | null {
  const fromSummary = data.evalSummary?.skill?.name;
  if (fromSummary) return fromSummary;
  const skill = data.config?.skill as { name?: unknown } | null | undefined;
  if (typeof skill?.name === "string") return skill.name;
  const seed = data.versions[0] ? join(data.dir, "skills", data.versions[0]) : null;
  if (seed && existsSync(seed)) {
    const inner = readdirSync(seed, { withFileTypes: true }).find((entry) => entry.isDirectory());
    if (inner) return inner.name;
  }
  const skillDir = data.config?.skillDir;
  return typeof skillDir === "string" ? (skillDir.split(/[\\/]/).filter(Boolean).at(-1) ?? null) : null;
}

/** The folder of a kept skill version (skills/vNNN/<name>), or null when it is absent. */
export function versionDir(data: RunData, version: string): string | null {
  const root = join(data.dir, "skills", version);
  if (!existsSync(root)) return null;
  if (data.skillName && existsSync(join(root, data.skillName))) return join(root, data.skillName);
  const inner = readdirSync(root, { withFileTypes: true }).find((entry) => entry.isDirectory());
  return inner ? join(root, inner.name) : null;
}

/** The memory as it stands at the end: state.json's, else the latest momentum.json's. */
export function finalMemory(data: RunData): ReportMemory | null {
  if (data.state?.memory) return data.state.memory;
  for (const iteration of [...data.iterations].reverse()) {
    if (iteration.momentum?.memory) return iteration.momentum.memory;
  }
  return null;
}

/** True when any model of the run is the offline simulation. */
export function isSimulation(models: Record<string, string>): boolean {
  return Object.values(models).some((model) => model === "sim" || model.startsWith("sim:"));
}
