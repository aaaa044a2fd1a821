import { readFileSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { SkillgradError } from "../../errors.js";
import { isDirectory } from "../../util/fs.js";
import { parseTsvRecords, tsvUnescape, tsvUnescapeList } from "./tsv.js";
import type { WtqQuestion } from "./types.js";

/**
 * Where WTQ data can come from:
 * - "jsonl": skillgrad's form, `questions/<split>.jsonl` with tables under `tables/` (e.g. tables/csv/204-csv/1.csv);
 * - "official": the WikiTableQuestions release, `data/<split>.tsv` (and/or `tagged/data/<split>.tagged`,
 *   which adds targetCanon) with tables under `csv/`.
 */
export type WtqLayout = "jsonl" | "official";

export interface LoadWtqOptions {
  /** A split name: a file stem (`unseen`, `pristine-unseen-tables`, `training`); `seen`/`unseen` and the
   *  official `pristine-*-tables` names are accepted in both layouts. Default: every split, each id once. */
  split?: string;
  /** Only these question ids (the others are skipped unparsed: grading a few predictions stays fast). */
  ids?: ReadonlySet<string>;
}

const SPLIT_ALIASES: Record<string, string> = {
  seen: "pristine-seen-tables",
  unseen: "pristine-unseen-tables",
  "pristine-seen-tables": "seen",
  "pristine-unseen-tables": "unseen",
};

const EXPECTED =
  "expected questions/*.jsonl with tables/ (skillgrad's JSONL form) or data/*.tsv or tagged/data/*.tagged with csv/ (the official WikiTableQuestions release)";

async function stemsWithExtension(dir: string, extension: string): Promise<string[]> {
  if (!(await isDirectory(dir))) return [];
  const names = await readdir(dir);
  return names
    .filter((name) => name.endsWith(extension))
    .map((name) => name.slice(0, -extension.length))
    .sort();
}

/** Which layout `dataDir` holds; a SkillgradError says what was expected when it is neither. */
export async function detectWtqLayout(dataDir: string): Promise<WtqLayout> {
  if (!(await isDirectory(dataDir))) {
    throw new SkillgradError(`WTQ data folder ${dataDir} does not exist: ${EXPECTED}`);
  }
  if ((await stemsWithExtension(join(dataDir, "questions"), ".jsonl")).length > 0) return "jsonl";
  const hasOfficialQuestions =
    (await stemsWithExtension(join(dataDir, "data"), ".tsv")).length > 0 ||
    (await stemsWithExtension(join(dataDir, "tagged", "data"), ".tagged")).length > 0;
  if (hasOfficialQuestions && (await isDirectory(join(dataDir, "csv")))) return "official";
  throw new SkillgradError(`${dataDir} does not look like WikiTableQuestions data: ${EXPECTED}`);
}

/** The split stems to read: all of them, or the one asked for (directly or through its alias). */
function chooseSplits(available: string[], split: string | undefined, dataDir: string): string[] {
  if (split === undefined) return available;
  const alias = SPLIT_ALIASES[split];
  const found = available.includes(split)
    ? split
    : alias !== undefined && available.includes(alias)
      ? alias
      : undefined;
  if (found === undefined) {
    throw new SkillgradError(
      `no WTQ split "${split}" in ${dataDir}: available splits are ${available.join(", ") || "(none)"}`,
    );
  }
  return [found];
}

async function readText(path: string): Promise<string> {
  try {
    // Synchronous: one read of the whole file is faster than a chunked asynchronous one.
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new SkillgradError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
}

/** Why a parsed JSONL record is not a question ("" when it is one), naming the first bad field. */
function questionProblem(record: unknown): string {
  if (typeof record !== "object" || record === null || Array.isArray(record)) return "record: not an object";
  const fields = record as Record<string, unknown>;
  const isStringList = (value: unknown) =>
    Array.isArray(value) && value.every((item) => typeof item === "string");
  if (typeof fields.id !== "string" || fields.id === "") return "id: expected a non-empty string";
  if (typeof fields.question !== "string") return "question: expected a string";
  if (typeof fields.table !== "string" || fields.table === "") return "table: expected a non-empty string";
  if (!isStringList(fields.answers)) return "answers: expected a list of strings";
  if (fields.canon !== undefined && !isStringList(fields.canon)) return "canon: expected a list of strings";
  return "";
}

// The id of a JSONL line, found without parsing the line. JSON strings escape their quotes, so
// `"id":` can only be a key; a line with it more than once (a nested "id") is parsed to be sure.
const ID_KEY = /"id"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

const ID_FIRST = '{"id": "';

function mayBeWanted(line: string, ids: ReadonlySet<string> | undefined): boolean {
  if (ids === undefined) return true;
  // The usual line starts with its id (as skillgrad writes them): no regular expression needed.
  if (line.startsWith(ID_FIRST) && line.indexOf('"id"', ID_FIRST.length) < 0) {
    const end = line.indexOf('"', ID_FIRST.length);
    const raw = line.slice(ID_FIRST.length, end);
    if (end > 0 && !raw.includes("\\")) return ids.has(raw);
  }
  const matches = [...line.matchAll(ID_KEY)];
  if (matches.length !== 1) return true;
  const raw = matches[0]?.[1] ?? "";
  return ids.has(raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw);
}

// A plain relative path (no "." or ".." parts, no empty parts) needs no normalising.
const PLAIN_RELATIVE = /^[^/\\]+(?:\/[^/\\]+)*$/;
const DOT_PART = /(?:^|\/)\.\.?(?:\/|$)/;

/** `join(dataDir, "tables", table)`; `dataDir` is already resolved. path.join costs more than the rest of the loading. */
function tablePath(dataDir: string, table: string): string {
  if (PLAIN_RELATIVE.test(table) && !DOT_PART.test(table) && !dataDir.endsWith("/")) {
    return `${dataDir}/tables/${table}`;
  }
  return join(dataDir, "tables", table);
}

async function loadJsonlSplit(
  dataDir: string,
  stem: string,
  ids: ReadonlySet<string> | undefined,
): Promise<WtqQuestion[]> {
  const file = join(dataDir, "questions", `${stem}.jsonl`);
  const questions: WtqQuestion[] = [];
  const lines = (await readText(file)).split("\n");
  lines.forEach((line, index) => {
    if (line.trim() === "" || !mayBeWanted(line, ids)) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new SkillgradError(
        `${file}:${index + 1} is not valid JSON (${(error as Error).message}): fix or remove the line`,
      );
    }
    const problem = questionProblem(json);
    if (problem !== "") {
      throw new SkillgradError(
        `${file}:${index + 1} is not a WTQ question: ${problem}; expected {id, question, table, answers, canon?}`,
      );
    }
    const { id, question, table, answers, canon } = json as Omit<WtqQuestion, "tablePath">;
    if (ids !== undefined && !ids.has(id)) return;
    questions.push({ id, question, table, tablePath: tablePath(dataDir, table), answers, canon });
  });
  return questions;
}

function requireColumns(file: string, header: string[], columns: string[]): void {
  const missing = columns.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new SkillgradError(
      `${file} has no ${missing.join(", ")} column: expected a WTQ TSV header with ${columns.join(", ")}`,
    );
  }
}

/** targetCanon by id from `tagged/data/<stem>.tagged`, when that file exists. */
async function loadCanon(
  dataDir: string,
  stem: string,
): Promise<Map<string, Map<string, string>> | undefined> {
  const file = join(dataDir, "tagged", "data", `${stem}.tagged`);
  if (!(await stat(file).catch(() => undefined))?.isFile()) return undefined;
  const { header, records } = parseTsvRecords(await readText(file));
  requireColumns(file, header, ["id", "utterance", "context", "targetValue", "targetCanon"]);
  return new Map(records.map(({ fields }) => [fields.get("id") ?? "", fields]));
}

async function loadOfficialSplit(dataDir: string, stem: string, hasTsv: boolean): Promise<WtqQuestion[]> {
  const tagged = await loadCanon(dataDir, stem);
  let rows: Map<string, string>[];
  if (hasTsv) {
    const file = join(dataDir, "data", `${stem}.tsv`);
    const { header, records } = parseTsvRecords(await readText(file));
    requireColumns(file, header, ["id", "utterance", "context", "targetValue"]);
    rows = records.map((record) => record.fields);
  } else {
    rows = [...(tagged?.values() ?? [])];
  }
  return rows.map((row) => {
    const id = row.get("id") ?? "";
    const table = row.get("context") ?? "";
    const canonField = tagged?.get(id)?.get("targetCanon");
    return {
      id,
      question: tsvUnescape(row.get("utterance") ?? ""),
      table,
      tablePath: join(dataDir, table),
      answers: tsvUnescapeList(row.get("targetValue") ?? ""),
      canon: canonField === undefined ? undefined : tsvUnescapeList(canonField),
    };
  });
}

/**
 * Loads WTQ questions from either layout (see WtqLayout). With no split, every split is read and an id
 * that appears in several files (the release's random-split files repeat training questions) is kept once.
 */
export async function loadWtq(dataDir: string, options: LoadWtqOptions = {}): Promise<WtqQuestion[]> {
  const root = resolve(dataDir);
  const layout = await detectWtqLayout(root);
  let batches: WtqQuestion[][];
  if (layout === "jsonl") {
    const stems = chooseSplits(
      await stemsWithExtension(join(root, "questions"), ".jsonl"),
      options.split,
      root,
    );
    batches = await Promise.all(stems.map((stem) => loadJsonlSplit(root, stem, options.ids)));
  } else {
    const tsvStems = await stemsWithExtension(join(root, "data"), ".tsv");
    const taggedStems = await stemsWithExtension(join(root, "tagged", "data"), ".tagged");
    const all = [...new Set([...tsvStems, ...taggedStems])].sort();
    const stems = chooseSplits(all, options.split, root);
    batches = await Promise.all(stems.map((stem) => loadOfficialSplit(root, stem, tsvStems.includes(stem))));
    const ids = options.ids;
    if (ids !== undefined) batches = batches.map((batch) => batch.filter((question) => ids.has(question.id)));
  }
  const byId = new Map<string, WtqQuestion>();
  for (const question of batches.flat()) if (!byId.has(question.id)) byId.set(question.id, question);
  return [...byId.values()];
}
