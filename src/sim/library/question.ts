import { columnIndex, dateOf, isoDate, numberOf, rowsUnderRules, type Table, textMatches } from "./read.js";
import type { Rule } from "./rules.js";

/**
 * The sim world's question grammar: a few generic question forms over named columns. The world
 * generator writes questions with `formatQuestion`; the simulated agent and diagnoser read them
 * back with `parseQuestion` (the ability to read a question, not knowledge of any task family).
 */

export interface Filter {
  column: string;
  value: string;
}

export type Question =
  | { kind: "total" | "average"; value: string; unit?: string; filter?: Filter }
  | { kind: "count"; filter?: Filter }
  | { kind: "largest-key"; key: string; value: string; filter?: Filter }
  | { kind: "date-of-largest"; date: string; value: string }
  | { kind: "count-in-month"; date: string; month: number; filter?: Filter };

export const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const where = (filter?: Filter) => (filter ? ` where "${filter.column}" is "${filter.value}"` : "");

export function formatQuestion(question: Question): string {
  switch (question.kind) {
    case "total":
    case "average": {
      const unit = question.unit ? ` in ${question.unit}` : "";
      const tail = question.kind === "total" ? "Answer with the number only." : "Round to 2 decimals.";
      return `What is the ${question.kind} of the "${question.value}" column${unit}${where(question.filter)}? ${tail}`;
    }
    case "count":
      return `How many rows are there${where(question.filter)}? Answer with the number only.`;
    case "largest-key":
      return `Which "${question.key}" has the largest "${question.value}"${where(question.filter)}?`;
    case "date-of-largest":
      return `On what "${question.date}" was the largest "${question.value}" recorded? Answer as YYYY-MM-DD.`;
    case "count-in-month":
      return `How many rows have a "${question.date}" in ${MONTHS[question.month - 1]}${where(question.filter)}? Answer with the number only.`;
  }
}

const Q = '"([^"]+)"';
const WHERE = `(?: where ${Q} is ${Q})?`;
const FORMS: Array<[RegExp, (m: RegExpExecArray) => Question]> = [
  [
    new RegExp(`What is the (total|average) of the ${Q} column(?: in (\\w+))?${WHERE}\\?`),
    (m) => ({
      kind: m[1] as "total" | "average",
      value: m[2] ?? "",
      ...(m[3] ? { unit: m[3] } : {}),
      ...filterOf(m[4], m[5]),
    }),
  ],
  [new RegExp(`How many rows are there${WHERE}\\?`), (m) => ({ kind: "count", ...filterOf(m[1], m[2]) })],
  [
    new RegExp(`Which ${Q} has the largest ${Q}${WHERE}\\?`),
    (m) => ({ kind: "largest-key", key: m[1] ?? "", value: m[2] ?? "", ...filterOf(m[3], m[4]) }),
  ],
  [
    new RegExp(`On what ${Q} was the largest ${Q} recorded\\?`),
    (m) => ({ kind: "date-of-largest", date: m[1] ?? "", value: m[2] ?? "" }),
  ],
  [
    new RegExp(`How many rows have a ${Q} in (${MONTHS.join("|")})${WHERE}\\?`),
    (m) => ({
      kind: "count-in-month",
      date: m[1] ?? "",
      month: MONTHS.indexOf(m[2] ?? "") + 1,
      ...filterOf(m[3], m[4]),
    }),
  ],
];

function filterOf(column?: string, value?: string): { filter?: Filter } {
  return column !== undefined && value !== undefined ? { filter: { column, value } } : {};
}

/** The question a task text asks, or undefined when it is not in the grammar. */
export function parseQuestion(text: string): Question | undefined {
  for (const [form, read] of FORMS) {
    const match = form.exec(text);
    if (match) return read(match);
  }
  return undefined;
}

/** The columns a question names (value, key, date, filter), as written. */
export function questionColumns(question: Question): string[] {
  const named = [
    "value" in question ? question.value : undefined,
    "key" in question ? question.key : undefined,
    "date" in question ? question.date : undefined,
    "filter" in question ? question.filter?.column : undefined,
  ];
  return named.filter((name): name is string => name !== undefined);
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The answer to a question on a table, reading it under the rules; undefined when a column the
 * question names is not in the table.
 */
export function answerQuestion(question: Question, table: Table, rules: Rule[]): string | undefined {
  if (questionColumns(question).some((column) => columnIndex(table, column) < 0)) return undefined;
  const cell = (row: string[], column: string) => row[columnIndex(table, column)] ?? "";
  let rows = rowsUnderRules(table, rules);
  const filter = "filter" in question ? question.filter : undefined;
  if (filter)
    rows = rows.filter((row) => textMatches(cell(row, filter.column), filter.value, filter.column, rules));
  const values = (column: string) =>
    rows.flatMap((row) => {
      const value = numberOf(cell(row, column), column, rules);
      return value === undefined ? [] : [{ row, value }];
    });
  const largest = (column: string) =>
    values(column).reduce<{ row: string[]; value: number } | undefined>(
      (best, next) => (best === undefined || next.value > best.value ? next : best),
      undefined,
    );
  switch (question.kind) {
    case "total":
      return String(round2(values(question.value).reduce((sum, v) => sum + v.value, 0)));
    case "average": {
      const list = values(question.value);
      if (list.length === 0) return "no values";
      return (list.reduce((sum, v) => sum + v.value, 0) / list.length).toFixed(2);
    }
    case "count":
      return String(rows.length);
    case "largest-key": {
      const best = largest(question.value);
      return best ? cell(best.row, question.key).trim() : "no values";
    }
    case "date-of-largest": {
      const best = largest(question.value);
      const date = best ? dateOf(cell(best.row, question.date), question.date, rules) : undefined;
      return date ? isoDate(date) : "unknown";
    }
    case "count-in-month":
      return String(
        rows.filter((row) => dateOf(cell(row, question.date), question.date, rules)?.month === question.month)
          .length,
      );
  }
}

/** Whether two answers agree the way the sim world's graders judge: numbers to 0.005, text normalized. */
export function sameAnswer(a: string, b: string): boolean {
  const number = (text: string) => (/^[-+]?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : undefined);
  const [x, y] = [number(a), number(b)];
  if (x !== undefined && y !== undefined) return Math.abs(x - y) <= 0.005 + 1e-9;
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
