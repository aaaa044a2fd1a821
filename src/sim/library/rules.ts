/**
 * The sim's ONE rule syntax: how the simulated agent reads data conventions out of skill text.
 * It is generic — it names operations of a fixed library and columns, never task families.
 *
 *   Rule: <operation> [<argument>] [in column <name>]
 *
 * - A rule is one line. It may start with a list marker ("- ", "* ", "1. "); backticks are ignored;
 *   "Rule:" is matched in any case. Any other text has no effect on the simulated agent.
 * - `<operation>` is one of OPERATIONS below; an unknown operation or a bad argument makes the line
 *   have no effect (text it cannot parse is ignored).
 * - `in column <name>` limits the rule to that column (matched case-insensitively); without it the
 *   rule applies to every column (skip-rows: to the first column).
 * - When several rules name the same operation and column, the last one read wins; for a column, a
 *   rule naming it wins over one without a column.
 *
 * The library and its defaults (what the agent does with no rule) are documented in
 * examples/sim-world/README.md.
 */

export type OperationName =
  | "skip-rows"
  | "drop-duplicates"
  | "missing"
  | "currency"
  | "negative-parentheses"
  | "units"
  | "strip-units"
  | "thousands-separator"
  | "decimal-comma"
  | "date-order"
  | "text-match";

export interface Rule {
  op: OperationName;
  /** The argument in its normal form ("" for operations without one). */
  arg: string;
  /** The column the rule is limited to, as written; undefined for every column. */
  column?: string;
}

export interface Operation {
  name: OperationName;
  /** What the argument is, for the documentation ("" when there is none). */
  argument: string;
  /** What the operation does. */
  effect: string;
  /** A short generic label for a failure this operation fixes (3–6 words, no values). */
  label: string;
  kind: "operation" | "workflow";
  /** The argument in normal form, or undefined when it is not valid for the operation. */
  normalize(raw: string): string | undefined;
}

const list = (raw: string) =>
  raw
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

const none = (raw: string) => (raw.trim() === "" ? "" : undefined);
const oneOf =
  (...values: string[]) =>
  (raw: string) => {
    const value = raw.trim().toLowerCase();
    return values.includes(value) ? value : undefined;
  };

/** Units the library converts between, by dimension, with their size in the dimension's base unit. */
export const UNITS: Record<string, { dimension: string; size: number }> = {
  g: { dimension: "mass", size: 0.001 },
  kg: { dimension: "mass", size: 1 },
  t: { dimension: "mass", size: 1000 },
  cm: { dimension: "length", size: 0.01 },
  m: { dimension: "length", size: 1 },
  km: { dimension: "length", size: 1000 },
  ml: { dimension: "volume", size: 0.001 },
  l: { dimension: "volume", size: 1 },
  min: { dimension: "duration", size: 1 / 60 },
  h: { dimension: "duration", size: 1 },
};

/** A thousands separator: ",", ".", "'" or "space" (also written quoted, or as a lone space). */
function separatorArg(raw: string): string | undefined {
  const value = raw.replace(/^\s*"(.*)"\s*$/, "$1");
  if (value.trim() === "space" || (value !== "" && value.trim() === "")) return "space";
  return [",", ".", "'"].includes(value.trim()) ? value.trim() : undefined;
}

export const CURRENCY_SYMBOLS = ["$", "€", "£", "¥"];

/** The generic library of data-handling operations, in the order the diagnoser tries them. */
export const OPERATIONS: readonly Operation[] = [
  {
    name: "skip-rows",
    argument: "row labels, comma-separated",
    effect:
      "drops data rows whose cell (in the column; without one, in the first column) is one of the labels",
    label: "Summary rows counted as data",
    kind: "workflow",
    normalize: (raw) => (list(raw).length > 0 ? list(raw).join(", ") : undefined),
  },
  {
    name: "drop-duplicates",
    argument: "",
    effect: "drops a row identical to an earlier row (with a column: whose value there repeats)",
    label: "Duplicate rows counted twice",
    kind: "workflow",
    normalize: none,
  },
  {
    name: "missing",
    argument: "missing-value markers, comma-separated",
    effect: "a cell equal to a marker is missing: left out of totals, averages and extremes",
    label: "Missing-value markers used as data",
    kind: "operation",
    normalize: (raw) => (list(raw).length > 0 ? list(raw).join(", ") : undefined),
  },
  {
    name: "currency",
    argument: "currency symbols, separated by spaces",
    effect: "removes these symbols from a cell before reading it as a number",
    label: "Currency-marked amounts left out",
    kind: "operation",
    normalize(raw) {
      const symbols = raw.split(/[\s,]+/).filter(Boolean);
      return symbols.length > 0 && symbols.every((s) => CURRENCY_SYMBOLS.includes(s))
        ? symbols.join(" ")
        : undefined;
    },
  },
  {
    name: "negative-parentheses",
    argument: "",
    effect: "reads a number in parentheses, (120), as negative",
    label: "Bracketed negatives left out",
    kind: "operation",
    normalize: none,
  },
  {
    name: "units",
    argument: "the unit to convert to (g kg t, cm m km, ml l, min h)",
    effect: "converts numbers written with a unit (800 g, 1.2 kg) to the given unit of the same kind",
    label: "Mixed units not converted",
    kind: "operation",
    normalize: (raw) => (UNITS[raw.trim().toLowerCase()] ? raw.trim().toLowerCase() : undefined),
  },
  {
    name: "strip-units",
    argument: "",
    effect: "drops unit letters after a number without converting (800 g is read as 800)",
    label: "Unit suffixes not removed",
    kind: "operation",
    normalize: none,
  },
  {
    name: "thousands-separator",
    argument: 'the separator: "," "." "\'" or "space"',
    effect: "removes the separator between groups of three digits (1,250 is 1250)",
    label: "Digit-grouped numbers left out",
    kind: "operation",
    normalize: separatorArg,
  },
  {
    name: "decimal-comma",
    argument: "",
    effect: "reads a comma as the decimal point (12,5 is 12.5)",
    label: "Decimal commas not read",
    kind: "operation",
    normalize: none,
  },
  {
    name: "date-order",
    argument: "day-first or month-first",
    effect: "how dates written NN/NN/YYYY are read",
    label: "Ambiguous date order misread",
    kind: "operation",
    normalize: oneOf("day-first", "month-first"),
  },
  {
    name: "text-match",
    argument: "case-insensitive or exact",
    effect: "how text is compared in a condition; case-insensitive also ignores surrounding spaces",
    label: "Text variants not matched",
    kind: "operation",
    normalize: oneOf("case-insensitive", "exact"),
  },
];

export function operation(name: OperationName): Operation {
  return OPERATIONS.find((op) => op.name === name) as Operation;
}

const RULE_LINE = /^\s*(?:[-*+]\s+|\d+[.)]\s+)?rule:\s*(.+?)\s*$/i;
const SCOPE = /\s+in\s+column\s+["']?([^"']+?)["']?\s*$/i;

/** One line as a rule, or undefined when the line is not a rule the library can read. */
export function parseRuleLine(line: string): Rule | undefined {
  const match = RULE_LINE.exec(line.replaceAll("`", ""));
  if (!match) return undefined;
  let rest = match[1] ?? "";
  let column: string | undefined;
  const scope = SCOPE.exec(rest);
  if (scope) {
    column = scope[1]?.trim();
    rest = rest.slice(0, scope.index);
  }
  const space = rest.search(/\s/);
  const name = (space < 0 ? rest : rest.slice(0, space)).toLowerCase();
  const op = OPERATIONS.find((candidate) => candidate.name === name);
  if (!op) return undefined;
  const arg = op.normalize(space < 0 ? "" : rest.slice(space + 1));
  if (arg === undefined) return undefined;
  return column ? { op: op.name, arg, column } : { op: op.name, arg };
}

/** Every rule stated in a text, in order. */
export function parseRules(text: string): Rule[] {
  return text.split("\n").flatMap((line) => parseRuleLine(line) ?? []);
}

/** A rule as the line that states it. */
export function formatRule(rule: Rule): string {
  return `Rule: ${rule.op}${rule.arg ? ` ${rule.arg}` : ""}${rule.column ? ` in column ${rule.column}` : ""}`;
}

/** What makes two rules about the same thing: operation and column. */
export function ruleKey(rule: Pick<Rule, "op" | "column">): string {
  return `${rule.op}@${rule.column?.toLowerCase() ?? "*"}`;
}

/** Rules with later ones replacing earlier ones of the same key (order of first appearance kept). */
export function effectiveRules(rules: Rule[]): Rule[] {
  const byKey = new Map<string, Rule>();
  for (const rule of rules) {
    byKey.delete(ruleKey(rule));
    byKey.set(ruleKey(rule), rule);
  }
  return [...byKey.values()];
}

/** The rule of an operation that holds for a column: one naming the column, else one naming none. */
export function ruleFor(rules: Rule[], op: OperationName, column: string): Rule | undefined {
  const wanted = column.trim().toLowerCase();
  let general: Rule | undefined;
  let specific: Rule | undefined;
  for (const rule of rules) {
    if (rule.op !== op) continue;
    if (rule.column === undefined) general = rule;
    else if (rule.column.trim().toLowerCase() === wanted) specific = rule;
  }
  return specific ?? general;
}

export const sameRule = (a: Rule, b: Rule) => formatRule(a) === formatRule(b);
