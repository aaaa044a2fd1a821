import { answerQuestion, type Question, questionColumns, sameAnswer } from "./question.js";
import { columnIndex, type Table } from "./read.js";
import { CURRENCY_SYMBOLS, effectiveRules, OPERATIONS, type Rule, ruleKey, UNITS } from "./rules.js";

/**
 * The sim diagnoser's generic search: which operations of the library, applied to the data the
 * agent read, reproduce the expected answer? Candidates come only from what the data shows (a cell
 * written "1,250", a row labelled "Total", a date 03/04/2024) and from common conventions known in
 * general (the markers below) — never from the world generator's answer key.
 */

/** Row labels that commonly mark summary rows. */
export const SUMMARY_LABELS = ["total", "subtotal", "grand total", "all", "sum"];
/** Cell values commonly used to mark a missing value. */
export const MISSING_MARKERS = ["-999", "-99", "-1", "9999", "999", "n/a", "na", "-", "?", "missing", "null"];

function cellsOf(table: Table, column: string): string[] {
  const at = columnIndex(table, column);
  return at < 0 ? [] : table.rows.map((row) => (row[at] ?? "").trim());
}

/** Every rule of the library the data and question make worth trying, in library order. */
export function candidateRules(table: Table, question: Question): Rule[] {
  const named = [...new Set(questionColumns(question).map((c) => table.header[columnIndex(table, c)] ?? c))];
  const found: Rule[] = [];
  const add = (rule: Rule) => {
    if (!found.some((other) => ruleKey(other) === ruleKey(rule) && other.arg === rule.arg)) found.push(rule);
  };
  for (const op of OPERATIONS) {
    switch (op.name) {
      case "skip-rows":
        for (const column of [table.header[0] ?? "", ...named]) {
          const labels = [
            ...new Set(cellsOf(table, column).filter((c) => SUMMARY_LABELS.includes(c.toLowerCase()))),
          ];
          if (labels.length > 0) add({ op: op.name, arg: labels.join(", "), column });
        }
        break;
      case "drop-duplicates": {
        const rows = table.rows.map((row) => JSON.stringify(row.map((c) => c.trim())));
        if (new Set(rows).size < rows.length) add({ op: op.name, arg: "" });
        break;
      }
      case "missing":
        for (const column of named) {
          const markers = [
            ...new Set(cellsOf(table, column).filter((c) => MISSING_MARKERS.includes(c.toLowerCase()))),
          ];
          if (markers.length > 0) add({ op: op.name, arg: markers.join(", "), column });
        }
        break;
      case "currency":
        for (const column of named) {
          const text = cellsOf(table, column).join(" ");
          const symbols = CURRENCY_SYMBOLS.filter((symbol) => text.includes(symbol));
          if (symbols.length > 0) add({ op: op.name, arg: symbols.join(" "), column });
        }
        break;
      case "negative-parentheses":
        for (const column of named)
          if (cellsOf(table, column).some((c) => /^\(.*\d.*\)$/.test(c)))
            add({ op: op.name, arg: "", column });
        break;
      case "units":
      case "strip-units":
        for (const column of named) {
          const units = cellsOf(table, column).flatMap((c) => {
            const unit = /\d\s*([a-zA-Z]+)$/.exec(c)?.[1]?.toLowerCase();
            return unit && UNITS[unit] ? [unit] : [];
          });
          if (units.length === 0) continue;
          if (op.name === "strip-units") {
            add({ op: op.name, arg: "", column });
            continue;
          }
          const asked = "unit" in question ? question.unit?.toLowerCase() : undefined;
          const targets = asked && UNITS[asked] ? [asked] : [...new Set(units)];
          for (const target of targets) add({ op: op.name, arg: target, column });
        }
        break;
      case "thousands-separator":
        for (const column of named) {
          const cells = cellsOf(table, column);
          for (const [arg, char] of [
            [",", ","],
            [".", "."],
            ["'", "'"],
            ["space", " "],
          ] as const) {
            const grouped = new RegExp(`\\d${char === "." ? "\\." : char}\\d{3}(?!\\d)`);
            if (cells.some((c) => grouped.test(c))) add({ op: op.name, arg, column });
          }
        }
        break;
      case "decimal-comma":
        for (const column of named)
          if (cellsOf(table, column).some((c) => /\d,\d{1,2}(?!\d)/.test(c)))
            add({ op: op.name, arg: "", column });
        break;
      case "date-order":
        for (const column of named) {
          if (!cellsOf(table, column).some((c) => /^\d{1,2}\/\d{1,2}\/\d{4}$/.test(c))) continue;
          add({ op: op.name, arg: "day-first", column });
          add({ op: op.name, arg: "month-first", column });
        }
        break;
      case "text-match": {
        const filter = "filter" in question ? question.filter : undefined;
        if (!filter) break;
        const at = columnIndex(table, filter.column);
        const wanted = filter.value.trim().toLowerCase();
        const variant = table.rows.some((row) => {
          const raw = row[at] ?? "";
          return raw !== filter.value && raw.trim().toLowerCase() === wanted;
        });
        if (variant) {
          const column = table.header[at] ?? filter.column;
          add({ op: op.name, arg: "case-insensitive", column });
          add({ op: op.name, arg: "exact", column });
        }
        break;
      }
    }
  }
  return found;
}

/** `base` with `extra` added, each extra rule replacing a base rule of the same operation and column. */
export function withRules(base: Rule[], extra: Rule[]): Rule[] {
  const replaced = new Set(extra.map(ruleKey));
  return effectiveRules([...base.filter((rule) => !replaced.has(ruleKey(rule))), ...extra]);
}

function* combinations<T>(items: T[], size: number, start = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let i = start; i <= items.length - size; i++)
    for (const rest of combinations(items, size - 1, i + 1)) yield [items[i] as T, ...rest];
}

/**
 * The smallest set of candidate rules which, added to `base` (the rules the agent already had),
 * makes the answer the expected one; [] when `base` alone already gives it; undefined when no set
 * of up to `maxSize` rules does.
 */
export function smallestExplainingSet(
  table: Table,
  question: Question,
  base: Rule[],
  expected: string,
  maxSize = 3,
): Rule[] | undefined {
  const candidates = candidateRules(table, question);
  for (let size = 0; size <= Math.min(maxSize, candidates.length); size++) {
    for (const set of combinations(candidates, size)) {
      if (new Set(set.map(ruleKey)).size < set.length) continue; // two rules for one thing
      const answer = answerQuestion(question, table, withRules(base, set));
      if (answer !== undefined && sameAnswer(answer, expected)) return set;
    }
  }
  return undefined;
}

/** Rules that can touch this table: those naming none of its columns are left out. */
export function rulesForTable(table: Table, rules: Rule[]): Rule[] {
  return rules.filter((rule) => rule.column === undefined || columnIndex(table, rule.column) >= 0);
}

/**
 * The smallest subset of `rules` that still gives the expected answer: which of the rules an agent
 * had explain its success. Undefined when even all of them do not give it.
 */
export function smallestSufficientSubset(
  table: Table,
  question: Question,
  rules: Rule[],
  expected: string,
): Rule[] | undefined {
  const relevant = rulesForTable(table, effectiveRules(rules));
  const all = answerQuestion(question, table, relevant);
  if (all === undefined || !sameAnswer(all, expected)) return undefined;
  for (let size = 0; size <= Math.min(4, relevant.length - 1); size++) {
    for (const set of combinations(relevant, size)) {
      const answer = answerQuestion(question, table, set);
      if (answer !== undefined && sameAnswer(answer, expected)) return set;
    }
  }
  return relevant;
}
