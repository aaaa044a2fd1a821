import { readdir } from "node:fs/promises";
import pLimit from "p-limit";
import { SkillgradError } from "../../errors.js";
import type { ComparisonResult } from "./compare.js";
import { type CompareJob, compareMany } from "./compare-many.js";
import type { SsbTask } from "./loader.js";
import { needsRecalc, type RecalcBatch, RecalcError, recalculateMany } from "./recalc.js";
import type { ZipLimits } from "./xlsx/zip.js";

/** Output workbook per test case number; a missing entry is a test case with no output. */
export type OutputsByTestCase = ReadonlyMap<number, string> | Readonly<Record<number, string | undefined>>;

export interface TaskGrade {
  id: string;
  /** One per test case: pass, fail, or `null` when there is no output file for it. */
  testCases: (boolean | null)[];
  /** 1 when every test case passes (the official "hard" score). */
  hard: 0 | 1;
  /** Fraction of test cases that pass (the official "soft" score). */
  soft: number;
  /** Why test cases failed, e.g. `test case 2: Sheet1!C81: expected 241.62, got 241.63`. */
  reasons: string[];
}

export interface GradeOptions {
  /** Recalculate outputs whose formulas have no cached values with LibreOffice first (default true). */
  recalc?: boolean;
  recalcTimeoutMs?: number;
  /** Caps on what one workbook may inflate to (default DEFAULT_ZIP_LIMITS). */
  limits?: ZipLimits;
}

/** Grades one task's outputs against its gold workbooks, test case by test case. */
export async function gradeTask(
  task: SsbTask,
  outputs: OutputsByTestCase,
  options: GradeOptions = {},
): Promise<TaskGrade> {
  const [grade] = await gradeTasks([{ task, outputs }], options);
  if (grade === undefined) throw new Error("gradeTasks returned no grade");
  return grade;
}

// LibreOffice start-up dominates recalculation time, so outputs are recalculated in batches.
const RECALC_BATCH_SIZE = 8;
const RECALC_PARALLEL_BATCHES = 2;

/** Grades many tasks, recalculating every output that needs it in a few LibreOffice runs. */
export async function gradeTasks(
  entries: readonly { task: SsbTask; outputs: OutputsByTestCase }[],
  options: GradeOptions = {},
): Promise<TaskGrade[]> {
  const outputPaths = entries.flatMap(({ task, outputs }) =>
    task.testCases.flatMap((testCase) => outputFor(outputs, testCase.n) ?? []),
  );
  const recalculated = new Map<string, string | RecalcError>();
  const batches: RecalcBatch[] = [];
  try {
    if (options.recalc !== false) {
      const stale: string[] = [];
      for (const path of new Set(outputPaths)) if (await needsRecalc(path, options.limits)) stale.push(path);
      const limit = pLimit(RECALC_PARALLEL_BATCHES);
      await Promise.all(
        chunk(stale, RECALC_BATCH_SIZE).map((paths) =>
          limit(async () => {
            const batch = await recalculateMany(paths, { timeoutMs: options.recalcTimeoutMs });
            batches.push(batch);
            for (const [i, path] of paths.entries()) {
              const result = batch.results[i];
              if (result !== undefined) recalculated.set(path, result);
            }
          }),
        ),
      );
    }
    // Every comparison at once, spread over the cores; then the results go back to their tasks.
    const jobs: CompareJob[] = [];
    const slots = entries.map(({ task, outputs }) =>
      task.testCases.map((testCase): ComparisonResult | number | null => {
        const outputPath = outputFor(outputs, testCase.n);
        if (outputPath === undefined) return null;
        const copy = recalculated.get(outputPath);
        if (copy instanceof RecalcError) return { pass: false, reason: copy.message };
        jobs.push({
          goldPath: testCase.answerPath,
          outputPath: copy ?? outputPath,
          answerPosition: task.answerPosition,
        });
        return jobs.length - 1;
      }),
    );
    const compared = await compareMany(jobs, { limits: options.limits });
    return entries.map(({ task, outputs }, e) =>
      summarizeTask(
        task,
        (slots[e] ?? []).map((slot, t) => {
          if (typeof slot !== "number") return slot;
          const result = compared[slot] as ComparisonResult;
          const outputPath = outputFor(outputs, task.testCases[t]?.n ?? 0) ?? "";
          return result.pass || !recalculated.has(outputPath)
            ? result
            : { ...result, reason: `${result.reason} (after recalculation)` };
        }),
      ),
    );
  } finally {
    await Promise.all(batches.map((batch) => batch.dispose()));
  }
}

function summarizeTask(task: SsbTask, results: (ComparisonResult | null)[]): TaskGrade {
  const testCases = results.map((result) => (result === null ? null : result.pass));
  const reasons = results.flatMap((result, i) => {
    const n = task.testCases[i]?.n ?? i + 1;
    if (result === null) return [`test case ${n}: no output file`];
    return result.pass ? [] : [`test case ${n}: ${result.reason ?? "failed"}`];
  });
  const passed = testCases.filter((value) => value === true).length;
  return {
    id: task.id,
    testCases,
    hard: testCases.length > 0 && passed === testCases.length ? 1 : 0,
    soft: testCases.length > 0 ? passed / testCases.length : 0,
    reasons,
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

function outputFor(outputs: OutputsByTestCase, n: number): string | undefined {
  if (outputs instanceof Map) return outputs.get(n);
  return (outputs as Readonly<Record<number, string | undefined>>)[n];
}

/** The official name of an output workbook: `{n}_{id}_output.xlsx`. */
export function outputFileName(id: string, n: number): string {
  return `${n}_${id}_output.xlsx`;
}

const OUTPUT_NAME = /^(\d+)_(.+)_output\.xlsx$/;

/** Output workbooks in a folder named `{n}_{id}_output.xlsx`, by task id then test case number. */
export async function findOutputs(outputsDir: string): Promise<Map<string, Map<number, string>>> {
  let names: string[];
  try {
    names = await readdir(outputsDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new SkillgradError(
        `outputs folder not found: ${outputsDir} (expected files named {n}_{id}_output.xlsx)`,
      );
    }
    throw error;
  }
  const byTask = new Map<string, Map<number, string>>();
  for (const name of names.sort()) {
    const match = OUTPUT_NAME.exec(name);
    if (!match) continue;
    const id = match[2] ?? "";
    const perTestCase = byTask.get(id) ?? new Map<number, string>();
    perTestCase.set(Number(match[1]), `${outputsDir.replace(/\/+$/, "")}/${name}`);
    byTask.set(id, perTestCase);
  }
  return byTask;
}
