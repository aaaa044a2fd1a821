import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SHARED_DATA } from "../../../../test/helpers/paths.js";
import type { CellValue } from "../cell-value.js";
import { XlsxBook } from "./book.js";

// Our reader against openpyxl itself (the library the official grader uses), on every cell of
// every workbook in ../shared: the 300 task workbooks, 250 golden outputs and 56 recalculation files.
const PYTHON = "/usr/bin/python3";
const DUMP = fileURLToPath(new URL("../../../../test/helpers/openpyxl_cells.py", import.meta.url));
const DATA = join(SHARED_DATA, "spreadsheetbench");
const hasOpenpyxl = spawnSync(PYTHON, ["-c", "import openpyxl"]).status === 0;
if (!hasOpenpyxl) console.warn(`skipping the openpyxl cross-check: ${PYTHON} has no openpyxl`);

type Encoded = null | [string, ...unknown[]];
interface Dump {
  [file: string]: {
    error?: string;
    sheetnames?: string[];
    sheets?: Record<string, { cells: Record<string, Encoded>; maxRow: number; maxCol: number }>;
  };
}

function workbooks(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".xlsx"))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function encode(value: CellValue): Encoded {
  switch (value.kind) {
    case "empty":
      return null;
    case "number":
      return ["number", value.value];
    case "bool":
      return ["bool", value.value];
    case "string":
      return ["string", value.value];
    case "datetime":
      return ["datetime", value.days, value.seconds];
    case "time":
      return ["time", value.hours, value.minutes, value.seconds, value.microseconds];
    case "timedelta":
      return ["timedelta", value.microseconds];
  }
}

function same(ours: Encoded, theirs: Encoded): boolean {
  if (ours === null || theirs === null) return ours === theirs;
  if (ours[0] === "number" && theirs[0] === "number") {
    const [a, b] = [Number(ours[1]), Number(theirs[1])]; // Python's repr(float) reads back exactly
    return a === b || (Number.isNaN(a) && Number.isNaN(b));
  }
  return JSON.stringify(ours) === JSON.stringify(theirs);
}

describe.skipIf(!hasOpenpyxl)("the workbook reader against openpyxl", () => {
  it("reads the same sheets and the same value in every cell of 606 workbooks", {
    timeout: 180_000,
  }, async () => {
    const files = workbooks(DATA);
    expect(files.length).toBeGreaterThanOrEqual(600);
    const run = spawnSync(PYTHON, [DUMP, ...files], { encoding: "utf8", maxBuffer: 256 * 2 ** 20 });
    expect(run.status, run.stderr).toBe(0);
    const dump = JSON.parse(run.stdout) as Dump;
    const differences: string[] = [];
    let cells = 0;
    for (const file of files) {
      const expected = dump[file];
      const name = relative(DATA, file);
      if (!expected || expected.error) {
        differences.push(`${name}: openpyxl could not open it (${expected?.error})`);
        continue;
      }
      const book = await XlsxBook.open(file);
      try {
        if (JSON.stringify(book.sheetNames) !== JSON.stringify(expected.sheetnames)) {
          differences.push(
            `${name}: sheets ${JSON.stringify(book.sheetNames)}, openpyxl ${JSON.stringify(expected.sheetnames)}`,
          );
        }
        for (const [sheet, { cells: values, maxRow, maxCol }] of Object.entries(expected.sheets ?? {})) {
          const ours = await book.readCells(sheet, [{ top: 1, left: 1, bottom: maxRow, right: maxCol }]);
          for (let row = 1; row <= maxRow; row++) {
            for (let column = 1; column <= maxCol; column++) {
              cells++;
              const theirs = values[`${column},${row}`] ?? null;
              const mine = encode(ours.cell(column, row));
              if (!same(mine, theirs)) {
                differences.push(
                  `${name} ${sheet} (${column},${row}): ours ${JSON.stringify(mine)}, openpyxl ${JSON.stringify(theirs)}`,
                );
              }
            }
          }
        }
      } finally {
        await book.close();
      }
    }
    expect(differences.slice(0, 20)).toEqual([]);
    expect(cells).toBeGreaterThan(500_000);
  });
});
