export interface CellAddress {
  /** 1-based column number (A = 1). */
  column: number;
  /** 1-based row number. */
  row: number;
}

export interface AnswerRange {
  /** `null` when the position names no sheet: the grader then uses the gold workbook's first sheet. */
  sheet: string | null;
  start: CellAddress;
  end: CellAddress;
}

export type ParsedAnswerPosition = { ok: true; ranges: AnswerRange[] } | { ok: false; error: string };

const MAX_COLUMN = 16_384; // XFD
const MAX_ROW = 1_048_576;
// A guard against positions such as A1:XFD1048576 that would take minutes to compare.
const MAX_CELLS = 5_000_000;

/**
 * Parses a SpreadsheetBench `answer_position`: comma-separated ranges or single cells, each with
 * an optional sheet name, quoted (`'My, sheet'!A1:B2`, `''` for a quote) or not. Also reads the
 * dataset's quirky shapes as the official grader does: a `!` inside the quotes (`'Sheet1!'A2:B19`),
 * stray quotes (`Updated Data'!B5:B9`, `'Sheet3!'A2:D11'`). Absolute references (`$A$1`) and
 * lower-case column letters are accepted.
 */
export function parseAnswerPosition(text: string): ParsedAnswerPosition {
  const ranges: AnswerRange[] = [];
  for (const part of splitRanges(text)) {
    const range = parseRangePart(part.trim());
    if (typeof range === "string")
      return { ok: false, error: `malformed answer_position ${JSON.stringify(text)}: ${range}` };
    ranges.push(range);
  }
  return { ok: true, ranges };
}

/** Index of the quote closing a quoted sheet name that opens at `open`, or -1 when it never closes. */
function closingQuote(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] !== "'") continue;
    if (text[i + 1] === "'")
      i++; // '' is a quote inside the name
    else return i;
  }
  return -1;
}

/** Splits on commas, except commas inside a quoted sheet name at the start of a range. */
function splitRanges(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  let atPartStart = true;
  while (i < text.length) {
    const char = text[i];
    if (atPartStart && char === "'") {
      const close = closingQuote(text, i);
      if (close > 0) i = close;
    }
    if (char === ",") {
      parts.push(text.slice(start, i));
      start = i + 1;
      atPartStart = true;
    } else if (char !== " ") {
      atPartStart = false;
    }
    i++;
  }
  parts.push(text.slice(start));
  return parts;
}

function parseRangePart(part: string): AnswerRange | string {
  if (part === "") return "an empty range";
  let sheet: string | null;
  let cells: string;
  const close = part.startsWith("'") ? closingQuote(part, 0) : -1;
  if (close > 0) {
    const name = part.slice(1, close).replaceAll("''", "'");
    const rest = part.slice(close + 1);
    if (rest.startsWith("!")) {
      sheet = name;
      cells = rest.slice(1);
    } else if (name.endsWith("!") && !rest.includes("!")) {
      sheet = name.slice(0, -1); // 'Sheet1!'A2:B19
      cells = rest;
    } else {
      return `expected "!" after the sheet name in ${JSON.stringify(part)}`;
    }
  } else {
    const pieces = part.split("!");
    if (pieces.length > 2) return `more than one "!" in ${JSON.stringify(part)}`;
    sheet = pieces.length === 2 ? stripQuotes(pieces[0] ?? "") : null;
    cells = pieces[pieces.length - 1] ?? "";
  }
  if (sheet === "") return `empty sheet name in ${JSON.stringify(part)}`;
  const bounds = parseCells(stripQuotes(cells.trim()));
  if (typeof bounds === "string") return bounds;
  return { sheet, ...bounds };
}

function stripQuotes(text: string): string {
  return text.replace(/^'+|'+$/g, "");
}

function parseCells(cells: string): { start: CellAddress; end: CellAddress } | string {
  const match = /^\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?$/.exec(cells);
  if (!match) return `${JSON.stringify(cells)} is not a cell or range like A1 or A1:C9`;
  const first = toAddress(match[1] ?? "", match[2] ?? "");
  const second = match[3] === undefined ? first : toAddress(match[3], match[4] ?? "");
  for (const address of [first, second]) {
    if (address.column > MAX_COLUMN || address.row < 1 || address.row > MAX_ROW) {
      return `${JSON.stringify(cells)} is outside the sheet`;
    }
  }
  const start = { column: Math.min(first.column, second.column), row: Math.min(first.row, second.row) };
  const end = { column: Math.max(first.column, second.column), row: Math.max(first.row, second.row) };
  if ((end.column - start.column + 1) * (end.row - start.row + 1) > MAX_CELLS) {
    return `${JSON.stringify(cells)} has more than ${MAX_CELLS} cells`;
  }
  return { start, end };
}

function toAddress(letters: string, digits: string): CellAddress {
  let column = 0;
  for (const letter of letters.toUpperCase()) column = column * 26 + letter.charCodeAt(0) - 64;
  return { column, row: Number(digits) };
}

/** A1-style name of a cell. */
export function cellName(address: CellAddress): string {
  let letters = "";
  for (let column = address.column; column > 0; column = Math.floor((column - 1) / 26)) {
    letters = String.fromCharCode(65 + ((column - 1) % 26)) + letters;
  }
  return `${letters}${address.row}`;
}

/** Every cell of a range, column by column (the order in which the official grader reports a mismatch). */
export function* cellsOf(range: AnswerRange): Generator<CellAddress> {
  for (let column = range.start.column; column <= range.end.column; column++) {
    for (let row = range.start.row; row <= range.end.row; row++) yield { column, row };
  }
}
