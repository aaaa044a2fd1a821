import { type AnswerRange, cellName, cellsOf, parseAnswerPosition } from "./answer-position.js";
import { cellValuesMatch, describeCellValue } from "./cell-value.js";
import {
  type CellBox,
  openWorkbook,
  type SheetCells,
  workbookErrorText,
  type XlsxBook,
  type ZipLimits,
} from "./workbook.js";

export interface ComparisonResult {
  pass: boolean;
  /** Why it failed: the first mismatching cell (as the official script reports), a missing sheet… */
  reason?: string;
  /** When answer cells differ: how many, of how many, and the first few. */
  detail?: string;
}

export interface CompareOptions {
  /** Fail an output that is a symbolic link instead of reading what it points to (default true). */
  refuseOutputSymlink?: boolean;
  /** Caps on what one workbook may inflate to (zip bombs). */
  limits?: ZipLimits;
}

const MAX_LISTED = 5;

/**
 * The official SpreadsheetBench check: every cell of `answerPosition` in the output must hold the
 * gold workbook's cached value (after the grader's rounding and type rules). Only the sheets and
 * cells of the answer position are read. Never throws for a bad workbook or position: those are
 * failures with a reason.
 */
export async function compareWorkbooks(
  goldPath: string,
  outputPath: string,
  answerPosition: string,
  options: CompareOptions = {},
): Promise<ComparisonResult> {
  const output = await openWorkbook(outputPath, {
    refuseSymlink: options.refuseOutputSymlink ?? true,
    limits: options.limits,
  });
  if (!output.ok) return { pass: false, reason: `output ${output.error}` };
  try {
    const gold = await openWorkbook(goldPath, { limits: options.limits });
    if (!gold.ok) return { pass: false, reason: `gold ${gold.error}` };
    try {
      const position = parseAnswerPosition(answerPosition);
      if (!position.ok) return { pass: false, reason: position.error };
      return await compareBooks(gold.book, goldPath, output.book, outputPath, position.ranges);
    } finally {
      await gold.book.close();
    }
  } finally {
    await output.book.close();
  }
}

async function compareBooks(
  gold: XlsxBook,
  goldPath: string,
  output: XlsxBook,
  outputPath: string,
  ranges: readonly AnswerRange[],
): Promise<ComparisonResult> {
  // With no sheet named, the gold workbook's first sheet is looked up by name in the output.
  const sheetOf = (range: AnswerRange) => range.sheet ?? gold.sheetNames[0] ?? "";
  const boxes = new Map<string, CellBox[]>();
  for (const range of ranges) {
    const sheet = sheetOf(range);
    if (!output.hasSheet(sheet) || !gold.hasSheet(sheet)) continue;
    const list = boxes.get(sheet) ?? [];
    list.push({
      top: range.start.row,
      left: range.start.column,
      bottom: range.end.row,
      right: range.end.column,
    });
    boxes.set(sheet, list);
  }
  const goldCells = await readSheets(gold, goldPath, boxes);
  if (typeof goldCells === "string") return { pass: false, reason: `gold ${goldCells}` };
  const outputCells = await readSheets(output, outputPath, boxes);
  if (typeof outputCells === "string") return { pass: false, reason: `output ${outputCells}` };

  const mismatches: string[] = [];
  let cells = 0;
  for (const range of ranges) {
    const sheet = sheetOf(range);
    const missing = !output.hasSheet(sheet)
      ? `sheet ${JSON.stringify(sheet)} not found in the output (it has ${listNames(output)})`
      : !gold.hasSheet(sheet)
        ? `sheet ${JSON.stringify(sheet)} not found in the gold workbook (it has ${listNames(gold)})`
        : undefined;
    if (missing !== undefined) {
      // The official script stops at the first failure: a mismatch before this range, or this sheet.
      return mismatches.length > 0 ? failure(mismatches, cells) : { pass: false, reason: missing };
    }
    const expectedCells = goldCells.get(sheet) as SheetCells;
    const actualCells = outputCells.get(sheet) as SheetCells;
    for (const address of cellsOf(range)) {
      cells++;
      const expected = expectedCells.cell(address.column, address.row);
      const actual = actualCells.cell(address.column, address.row);
      if (!cellValuesMatch(expected, actual)) {
        mismatches.push(
          `${sheet}!${cellName(address)}: expected ${describeCellValue(expected)}, got ${describeCellValue(actual)}`,
        );
      }
    }
  }
  return mismatches.length > 0 ? failure(mismatches, cells) : { pass: true };
}

function failure(mismatches: string[], cells: number): ComparisonResult {
  const more = mismatches.length > MAX_LISTED ? `; … ${mismatches.length - MAX_LISTED} more` : "";
  return {
    pass: false,
    reason: mismatches[0],
    detail: `${mismatches.length} of ${cells} answer cells differ: ${mismatches.slice(0, MAX_LISTED).join("; ")}${more}`,
  };
}

/** The cells of each sheet's boxes, or the text of the error that stopped the reading. */
async function readSheets(
  book: XlsxBook,
  path: string,
  boxes: ReadonlyMap<string, CellBox[]>,
): Promise<Map<string, SheetCells> | string> {
  const cells = new Map<string, SheetCells>();
  try {
    for (const [sheet, list] of boxes) cells.set(sheet, await book.readCells(sheet, list));
  } catch (error) {
    return workbookErrorText(error, path);
  }
  return cells;
}

function listNames(book: XlsxBook): string {
  return book.sheetNames.map((name) => JSON.stringify(name)).join(", ");
}
