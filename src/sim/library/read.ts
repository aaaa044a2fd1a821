import { parseCsv } from "./csv.js";
import { type Rule, ruleFor, UNITS } from "./rules.js";

/**
 * Reading a CSV table under rules: the sim's generic data-handling abilities. With no rule, the
 * defaults are the naive ones: every row counts, a cell is a number only when it is written plainly
 * (1250, -3.5), dates NN/NN/YYYY are month-first, and text compares exactly.
 */

export interface Table {
  header: string[];
  rows: string[][];
}

export function tableOf(csv: string): Table {
  const [header = [], ...rows] = parseCsv(csv);
  return { header: header.map((cell) => cell.trim()), rows };
}

export function columnIndex(table: Table, name: string): number {
  const wanted = name.trim().toLowerCase();
  return table.header.findIndex((cell) => cell.toLowerCase() === wanted);
}

const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The data rows that count: skip-rows and drop-duplicates applied. */
export function rowsUnderRules(table: Table, rules: Rule[]): string[][] {
  let rows = table.rows;
  for (const rule of rules.filter((r) => r.op === "skip-rows")) {
    const at = rule.column === undefined ? 0 : columnIndex(table, rule.column);
    if (at < 0) continue;
    const labels = rule.arg.split(",").map((label) => label.trim());
    rows = rows.filter((row) => !labels.some((label) => sameText(row[at] ?? "", label)));
  }
  for (const rule of rules.filter((r) => r.op === "drop-duplicates")) {
    const at = rule.column === undefined ? -1 : columnIndex(table, rule.column);
    if (rule.column !== undefined && at < 0) continue;
    const seen = new Set<string>();
    rows = rows.filter((row) => {
      const key = at < 0 ? JSON.stringify(row.map((cell) => cell.trim())) : (row[at] ?? "").trim();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  return rows;
}

const PLAIN_NUMBER = /^[-+]?(\d+(\.\d+)?|\.\d+)$/;

/** A cell as a number under the rules of its column, or undefined when it is not one (left out). */
export function numberOf(cell: string, column: string, rules: Rule[]): number | undefined {
  let text = cell.trim();
  const missing = ruleFor(rules, "missing", column);
  if (missing?.arg.split(",").some((marker) => sameText(marker, text))) return undefined;
  const currency = ruleFor(rules, "currency", column);
  if (currency) {
    for (const symbol of currency.arg.split(" ")) text = text.replaceAll(symbol, "");
    text = text.trim();
  }
  let sign = 1;
  if (ruleFor(rules, "negative-parentheses", column)) {
    const inner = /^\((.*)\)$/.exec(text);
    if (inner) {
      sign = -1;
      text = (inner[1] ?? "").trim();
    }
  }
  let factor = 1;
  const withUnit = /^(.*?\d)\s*([a-zA-Z]+)$/.exec(text);
  const units = ruleFor(rules, "units", column);
  if (withUnit && units) {
    const from = UNITS[(withUnit[2] ?? "").toLowerCase()];
    const to = UNITS[units.arg];
    if (from && to && from.dimension === to.dimension) {
      factor = from.size / to.size;
      text = (withUnit[1] ?? "").trim();
    }
  } else if (withUnit && ruleFor(rules, "strip-units", column)) text = (withUnit[1] ?? "").trim();
  const separator = ruleFor(rules, "thousands-separator", column)?.arg;
  if (separator) {
    const char = separator === "space" ? " " : separator;
    const grouped = new RegExp(`(\\d)${escapeRegExp(char)}(?=\\d{3}(?!\\d))`, "g");
    text = text.replace(grouped, "$1");
  }
  if (ruleFor(rules, "decimal-comma", column) && /^[-+]?\d*,\d+$/.test(text)) text = text.replace(",", ".");
  if (!PLAIN_NUMBER.test(text)) return undefined;
  return sign * factor * Number(text);
}

function escapeRegExp(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whether a cell equals a wanted text under the column's text-match rule (default: exactly). */
export function textMatches(cell: string, wanted: string, column: string, rules: Rule[]): boolean {
  return ruleFor(rules, "text-match", column)?.arg === "case-insensitive"
    ? sameText(cell, wanted)
    : cell === wanted;
}

export interface SimDate {
  year: number;
  month: number;
  day: number;
}

/** A date cell (NN/NN/YYYY or YYYY-MM-DD) under the column's date-order rule (default: month-first). */
export function dateOf(cell: string, column: string, rules: Rule[]): SimDate | undefined {
  const text = cell.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (iso) return { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
  const slashed = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!slashed) return undefined;
  const [first, second] = [Number(slashed[1]), Number(slashed[2])];
  const dayFirst = ruleFor(rules, "date-order", column)?.arg === "day-first";
  const date = { year: Number(slashed[3]), month: dayFirst ? second : first, day: dayFirst ? first : second };
  return date.month >= 1 && date.month <= 12 && date.day >= 1 && date.day <= 31 ? date : undefined;
}

export function isoDate(date: SimDate): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}
