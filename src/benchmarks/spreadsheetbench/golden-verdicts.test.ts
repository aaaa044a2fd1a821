import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { REPO, SHARED_DATA } from "../../../test/helpers/paths.js";
import type { ComparisonResult } from "./compare.js";
import { compareWorkbooks } from "./compare.js";
import type { CompareJob } from "./compare-many.js";
import { loadSpreadsheetBench } from "./loader.js";

const DATA = join(SHARED_DATA, "spreadsheetbench");

interface Verdict {
  case: string;
  id: string;
  test_case: number;
  file: string;
  pass: boolean;
  kind: string;
}

interface RecalcVerdict {
  case: string;
  id: string;
  test_case: number;
  file: string;
  recalculated_file: string;
  pass_raw: boolean;
  pass_after_recalc: boolean;
}

function readJsonl<T>(name: string): T[] {
  return readFileSync(join(DATA, "golden", name), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

async function positions(): Promise<Map<string, string>> {
  return new Map((await loadSpreadsheetBench(DATA)).map((task) => [task.id, task.answerPosition]));
}

const goldPath = (id: string, testCase: number) =>
  join(DATA, "spreadsheet", id, `${testCase}_${id}_answer.xlsx`);

describe("agreement with the official SpreadsheetBench grader", () => {
  it("gives the official verdict on all 250 golden candidates", async () => {
    const verdicts = readJsonl<Verdict>("verdicts.jsonl");
    expect(verdicts).toHaveLength(250);
    const answerPositions = await positions();
    const disagreements: string[] = [];
    for (const verdict of verdicts) {
      const position = answerPositions.get(verdict.id) ?? "";
      const result = await compareWorkbooks(
        goldPath(verdict.id, verdict.test_case),
        join(DATA, "golden", verdict.file),
        position,
      );
      if (result.pass !== verdict.pass) {
        disagreements.push(
          `${verdict.case} (${verdict.id}, ${verdict.kind}): official ${verdict.pass}, ours ${result.pass} ${result.reason ?? ""}`,
        );
      }
    }
    if (disagreements.length > 0) console.error(disagreements.join("\n"));
    expect(disagreements).toEqual([]);
  });

  it("gives the same verdicts with the comparisons spread over worker threads (the built CLI's path)", async () => {
    // Worker threads run the built JavaScript (npm test builds first), so this uses dist/.
    const built = pathToFileURL(join(REPO, "dist/benchmarks/spreadsheetbench/compare-many.js")).href;
    const { compareMany } = (await import(built)) as {
      compareMany: (jobs: CompareJob[], options: { workers: number }) => Promise<ComparisonResult[]>;
    };
    const verdicts = readJsonl<Verdict>("verdicts.jsonl");
    const answerPositions = await positions();
    const jobs = verdicts.map((verdict) => ({
      goldPath: goldPath(verdict.id, verdict.test_case),
      outputPath: join(DATA, "golden", verdict.file),
      answerPosition: answerPositions.get(verdict.id) ?? "",
    }));
    const results = await compareMany(jobs, { workers: 2 });
    expect(results.map((result) => result.pass)).toEqual(verdicts.map((verdict) => verdict.pass));
  });

  it("gives the official verdicts on the 28 formula outputs, as written and as recalculated by the dataset", async () => {
    const verdicts = readJsonl<RecalcVerdict>("recalc-verdicts.jsonl");
    expect(verdicts).toHaveLength(28);
    const answerPositions = await positions();
    const disagreements: string[] = [];
    for (const verdict of verdicts) {
      const position = answerPositions.get(verdict.id) ?? "";
      const gold = goldPath(verdict.id, verdict.test_case);
      const raw = await compareWorkbooks(gold, join(DATA, "golden", verdict.file), position);
      const stored = await compareWorkbooks(gold, join(DATA, "golden", verdict.recalculated_file), position);
      if (raw.pass !== verdict.pass_raw)
        disagreements.push(`${verdict.case} raw: official ${verdict.pass_raw}, ours ${raw.pass}`);
      if (stored.pass !== verdict.pass_after_recalc) {
        disagreements.push(
          `${verdict.case} stored recalculated: official ${verdict.pass_after_recalc}, ours ${stored.pass} ${stored.reason ?? ""}`,
        );
      }
    }
    if (disagreements.length > 0) console.error(disagreements.join("\n"));
    expect(disagreements).toEqual([]);
  });
});
