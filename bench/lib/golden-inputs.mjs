// The inputs of the whole-process grading benchmarks, made from the golden data in ../shared.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const SHARED = fileURLToPath(new URL("../../../shared/data/", import.meta.url));

const readJsonl = (path) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));

/**
 * 2,084 predictions for unseen-table questions: the first golden case of each question (the official
 * evaluator grades each id once per run, so one case per question), written to `dir`/predictions.tsv.
 */
export function wtqPredictions(dir) {
  const expected = new Map();
  const lines = [];
  for (const c of readJsonl(join(SHARED, "wtq", "golden", "verdicts.jsonl"))) {
    if (expected.has(c.id)) continue;
    expected.set(c.id, c.correct);
    lines.push([c.id, ...c.prediction].join("\t"));
  }
  const path = join(dir, "predictions.tsv");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return { data: join(SHARED, "wtq"), path, expected };
}

/**
 * 50 outputs, one per task (test case 1): golden candidate number (task index mod 5) of each task, so
 * they mix passing and failing kinds; copied to `dir`/outputs/1_<id>_output.xlsx.
 */
export function spreadsheetbenchOutputs(dir) {
  const data = join(SHARED, "spreadsheetbench");
  const byTask = new Map();
  for (const c of readJsonl(join(data, "golden", "verdicts.jsonl"))) {
    if (!byTask.has(c.id)) byTask.set(c.id, []);
    byTask.get(c.id).push(c);
  }
  const outputs = join(dir, "outputs");
  mkdirSync(outputs);
  const expected = new Map();
  const kinds = {};
  [...byTask].forEach(([id, cases], index) => {
    const chosen = cases[index % cases.length];
    copyFileSync(join(data, "golden", chosen.file), join(outputs, `1_${id}_output.xlsx`));
    expected.set(id, chosen.pass);
    kinds[chosen.kind] = (kinds[chosen.kind] ?? 0) + 1;
  });
  return { data, outputs, expected, kinds };
}
