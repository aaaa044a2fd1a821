import { toCsv } from "../../sim/library/csv.js";
import {
  answerQuestion,
  formatQuestion,
  MONTHS,
  type Question,
  sameAnswer,
} from "../../sim/library/question.js";
import { tableOf } from "../../sim/library/read.js";
import { formatRule, type OperationName, type Rule } from "../../sim/library/rules.js";
import { seededRandom, shuffled } from "../../util/random.js";
import { MEASURE_UNITS, TOPICS, type Topic } from "./topics.js";

/**
 * The sim world generator (a simulation): CSV questions in task families. A family is a table topic,
 * a question form, and the data conventions its files follow — a few operations of the sim's generic
 * library (src/sim/library/rules.ts), each with its column. The right answer needs exactly those
 * rules; a distractor family needs none. Worlds from different seeds differ in which operations,
 * columns and questions each family has. The families are the world's answer key: only this
 * generator, world.json and tests read them — never a sim role.
 */

export type QuestionKind = Question["kind"];

export interface SimFamily {
  id: string;
  file: string;
  describe: string;
  columns: { key: string; date: string; group: string; value: string };
  question: QuestionKind;
  filtered: boolean;
  /** The rules a right answer needs (empty for a distractor). */
  needs: Rule[];
}

export interface GeneratedSimTask {
  id: string;
  prompt: string;
  file: { path: string; csv: string };
  expected: string;
  grader: Record<string, unknown>;
  family: string;
}

export interface SimWorld {
  seed: number;
  families: SimFamily[];
  tasks: GeneratedSimTask[];
  /** The seed skill's files by path (SKILL.md first). */
  seedSkill: Record<string, string>;
}

export interface SimWorldOptions {
  seed?: number;
  /** Families in all, distractors included (default 6). */
  families?: number;
  /** Families that need no rule (default 1). */
  distractors?: number;
  perFamily?: number;
}

const QUESTIONS_FOR: Record<Exclude<OperationName, "strip-units">, QuestionKind[]> = {
  "skip-rows": ["total", "average", "count", "largest-key"],
  "drop-duplicates": ["total", "average", "count", "count-in-month"],
  missing: ["total", "average", "largest-key", "date-of-largest"],
  currency: ["total", "average", "largest-key", "date-of-largest"],
  "negative-parentheses": ["total", "average"],
  units: ["total", "average"],
  "thousands-separator": ["total", "average", "largest-key", "date-of-largest"],
  "decimal-comma": ["total", "average", "largest-key", "date-of-largest"],
  "date-order": ["date-of-largest", "count-in-month"],
  "text-match": ["total", "average", "count", "largest-key", "count-in-month"],
};
type WorldOp = keyof typeof QUESTIONS_FOR;
const WORLD_OPS = Object.keys(QUESTIONS_FOR) as WorldOp[];
const ALL_QUESTIONS: QuestionKind[] = [
  "total",
  "average",
  "count",
  "largest-key",
  "date-of-largest",
  "count-in-month",
];
const FILTERABLE: QuestionKind[] = ["total", "average", "count", "largest-key", "count-in-month"];
/** Pairs of operations one family never needs together (their data cannot show both plainly). */
const CONFLICTS: Array<[WorldOp, WorldOp]> = [
  ["skip-rows", "text-match"],
  ["units", "currency"],
  ["units", "negative-parentheses"],
  ["units", "decimal-comma"],
];

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;
const int = (random: () => number, low: number, high: number) =>
  low + Math.floor(random() * (high - low + 1));

function fitsTopic(op: WorldOp, topic: Topic): boolean {
  if (op === "currency" || op === "negative-parentheses") return topic.measure === "money";
  if (op === "units") return MEASURE_UNITS[topic.measure] !== undefined;
  return true;
}

function questionsFor(ops: WorldOp[]): QuestionKind[] {
  return ALL_QUESTIONS.filter((kind) => ops.every((op) => QUESTIONS_FOR[op].includes(kind)));
}

/** The operations of one family: `count` of them, compatible with each other and with some question. */
function drawOperations(random: () => number, count: number): WorldOp[] {
  for (;;) {
    const ops: WorldOp[] = [];
    for (const op of shuffled(WORLD_OPS, random)) {
      if (ops.length === count) break;
      const next = [...ops, op];
      if (CONFLICTS.some(([a, b]) => next.includes(a) && next.includes(b))) continue;
      if (questionsFor(next).length === 0) continue;
      if (!TOPICS.some((topic) => next.every((o) => fitsTopic(o, topic)))) continue;
      ops.push(op);
    }
    if (ops.length === count) return ops;
  }
}

function drawFamily(random: () => number, id: string, ops: WorldOp[], used: Set<string>): SimFamily {
  const topic = shuffled(TOPICS, random).find(
    (candidate) => !used.has(candidate.file) && ops.every((op) => fitsTopic(op, candidate)),
  ) as Topic;
  used.add(topic.file);
  const columns = {
    key: pick(random, topic.key),
    date: pick(random, topic.date),
    group: pick(random, topic.group),
    value: pick(random, topic.value),
  };
  const question = pick(random, questionsFor(ops));
  const filtered =
    ops.includes("text-match") ||
    (FILTERABLE.includes(question) && !ops.includes("skip-rows") && random() < 0.3);
  const small = MEASURE_UNITS[topic.measure];
  const needs: Rule[] = ops.map((op): Rule => {
    switch (op) {
      case "skip-rows":
        return { op, arg: pick(random, ["Total", "Subtotal", "All"]), column: columns.key };
      case "drop-duplicates":
        return { op, arg: "" };
      case "missing":
        return { op, arg: pick(random, ["-999", "-1", "9999"]), column: columns.value };
      case "currency":
        return { op, arg: pick(random, ["$", "€", "£"]), column: columns.value };
      case "units":
        return { op, arg: small?.[1] ?? "kg", column: columns.value };
      case "thousands-separator":
        return {
          op,
          arg: ops.includes("decimal-comma") ? "." : pick(random, [",", "'", "space"]),
          column: columns.value,
        };
      case "date-order":
        return { op, arg: "day-first", column: columns.date };
      case "text-match":
        return { op, arg: "case-insensitive", column: columns.group };
      default:
        return { op, arg: "", column: columns.value };
    }
  });
  // missing markers must change a largest value: only a large marker does
  const marker = needs.find((rule) => rule.op === "missing");
  if (marker && (question === "largest-key" || question === "date-of-largest")) marker.arg = "9999";
  return { id, file: topic.file, describe: topic.describe, columns, question, filtered, needs };
}

/** What a family's rule looks like when stated wrongly: a plausible rule that gives wrong answers. */
export function wrongRule(rule: Rule, family: SimFamily): Rule {
  const scoped = (r: Omit<Rule, "column">): Rule => (rule.column ? { ...r, column: rule.column } : r);
  switch (rule.op) {
    case "skip-rows":
      return scoped({ op: rule.op, arg: rule.arg === "Sum" ? "Summary" : "Sum" });
    case "drop-duplicates":
      return { op: rule.op, arg: "", column: family.columns.group };
    case "missing":
      return scoped({ op: rule.op, arg: "n/a" });
    case "currency":
      return scoped({ op: rule.op, arg: rule.arg === "¥" ? "$" : "¥" });
    case "negative-parentheses":
      return scoped({ op: "missing", arg: "n/a" });
    case "units":
      return scoped({ op: "strip-units", arg: "" });
    case "thousands-separator":
      return rule.arg === "," ? scoped({ op: "decimal-comma", arg: "" }) : scoped({ op: rule.op, arg: "," });
    case "decimal-comma":
      return scoped({ op: "thousands-separator", arg: "," });
    case "date-order":
      return scoped({ op: rule.op, arg: "month-first" });
    case "text-match":
      return scoped({ op: rule.op, arg: "exact" });
    default:
      return rule;
  }
}

const has = (family: SimFamily, op: OperationName) => family.needs.find((rule) => rule.op === op);
const pad = (n: number) => String(n).padStart(2, "0");

function groupDigits(whole: string, separator: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, separator === "space" ? " " : separator);
}

/** A value as the family's files write it. */
function writeValue(
  value: number,
  family: SimFamily,
  random: () => number,
  unitPair?: [string, string],
): string {
  const decimalComma = has(family, "decimal-comma");
  const separator = has(family, "thousands-separator")?.arg;
  const currency = has(family, "currency")?.arg;
  const negative = value < 0 && has(family, "negative-parentheses");
  let amount = Math.abs(value);
  let unit = "";
  if (has(family, "units") && unitPair) {
    const inSmall = random() < 0.5;
    if (inSmall) amount = Math.round(amount * 1000);
    unit = inSmall ? unitPair[0] : unitPair[1];
  }
  const decimals = decimalComma || (unit && unit === unitPair?.[1]) ? 1 : 0;
  let [whole = "0", fraction] = amount.toFixed(decimals).split(".");
  if (separator) whole = groupDigits(whole, separator);
  let text = fraction ? `${whole}${decimalComma ? "," : "."}${fraction}` : whole;
  if (value < 0 && !negative) text = `-${text}`;
  if (negative) text = `(${text})`;
  if (unit) text = `${text} ${unit}`;
  if (currency) text = currency === "€" ? `${text} €` : `${currency}${text}`;
  return text;
}

function keysFor(topic: Topic | undefined, count: number, random: () => number): string[] {
  if (!topic || "prefix" in topic.keys) {
    const prefix = topic && "prefix" in topic.keys ? topic.keys.prefix : "K";
    let next = int(random, 100, 700);
    return Array.from({ length: count }, () => {
      next += int(random, 1, 3);
      return `${prefix}-${next}`;
    });
  }
  return shuffled(topic.keys.names, random).slice(0, count);
}

/** One task's table and question for a family, or undefined when this draw does not show every rule. */
function drawTask(family: SimFamily, random: () => number): { csv: string; question: Question } | undefined {
  const topic = TOPICS.find((t) => t.file === family.file);
  const units = topic ? MEASURE_UNITS[topic.measure] : undefined;
  const count = int(random, 6, 9);
  const keys = keysFor(topic, count, random);
  const groups = topic?.groups ?? ["A", "B", "C"];
  const dayFirst = has(family, "date-order");
  const rows = keys.map((key) => {
    let month = int(random, 1, 12);
    const day = int(random, 1, 12);
    if (day === month) month = (month % 12) + 1;
    let value: number;
    if (has(family, "units")) value = int(random, 2, 99) / 10;
    else if (has(family, "decimal-comma")) value = int(random, 20, 9000) / 10;
    else value = int(random, 20, 900);
    if (has(family, "thousands-separator") && random() < 0.6) value = Math.round(value * int(random, 11, 90));
    if (has(family, "negative-parentheses") && random() < 0.3) value = -value;
    return {
      key,
      date: dayFirst ? `${pad(day)}/${pad(month)}/2024` : `2024-${pad(month)}-${pad(day)}`,
      month,
      group: pick(random, groups),
      value: value as number | undefined,
    };
  });
  const missing = has(family, "missing");
  if (missing) for (const row of shuffled(rows, random).slice(0, int(random, 1, 2))) row.value = undefined;
  const cells = rows.map((row) => [
    row.key,
    row.date,
    row.group,
    row.value === undefined ? (missing?.arg ?? "") : writeValue(row.value, family, random, units),
  ]);
  const skip = has(family, "skip-rows");
  if (skip) {
    const sum = rows.reduce((total, row) => total + (row.value ?? 0), 0);
    cells.push([skip.arg, "", "", writeValue(Math.round(sum * 10) / 10, family, random, units)]);
  }
  if (has(family, "drop-duplicates")) {
    for (let i = int(random, 1, 2); i > 0; i--) {
      const copy = [...(pick(random, cells.slice(0, rows.length)) as string[])];
      cells.splice(int(random, 0, cells.length), 0, copy);
    }
  }
  let filter: { column: string; value: string } | undefined;
  if (family.filtered) {
    const counts = groups.map((group) => cells.filter((row) => row[2] === group).length);
    const best = groups[counts.indexOf(Math.max(...counts))] ?? groups[0] ?? "A";
    filter = { column: family.columns.group, value: best };
    if (has(family, "text-match")) {
      const variants = [
        (t: string) => t.toLowerCase(),
        (t: string) => t.toUpperCase(),
        (t: string) => ` ${t}`,
      ];
      for (const row of cells) if (row[2] === best && random() < 0.5) row[2] = pick(random, variants)(best);
    }
  }
  const question = questionOf(family, filter, units, random);
  const header = [family.columns.key, family.columns.date, family.columns.group, family.columns.value];
  return { csv: toCsv([header, ...cells]), question };
}

function questionOf(
  family: SimFamily,
  filter: { column: string; value: string } | undefined,
  units: [string, string] | undefined,
  random: () => number,
): Question {
  const { value, key, date } = family.columns;
  const unit = has(family, "units") ? units?.[1] : undefined;
  switch (family.question) {
    case "total":
    case "average":
      return { kind: family.question, value, ...(unit ? { unit } : {}), ...(filter ? { filter } : {}) };
    case "count":
      return { kind: "count", ...(filter ? { filter } : {}) };
    case "largest-key":
      return { kind: "largest-key", key, value, ...(filter ? { filter } : {}) };
    case "date-of-largest":
      return { kind: "date-of-largest", date, value };
    case "count-in-month":
      return { kind: "count-in-month", date, month: int(random, 1, 12), ...(filter ? { filter } : {}) };
  }
}

/** Whether a task shows every rule of its family: wrong without any one of them, or stated wrongly. */
function showsEveryRule(family: SimFamily, csv: string, question: Question, expected: string): boolean {
  const table = tableOf(csv);
  const differs = (rules: Rule[]) => {
    const answer = answerQuestion(question, table, rules);
    return answer === undefined || !sameAnswer(answer, expected);
  };
  if (family.needs.length === 0) return true;
  if (!differs([])) return false;
  if (family.needs.some((rule) => !differs(family.needs.filter((other) => other !== rule)))) return false;
  return differs(family.needs.map((rule) => wrongRule(rule, family)));
}

const GRADERS: Record<QuestionKind, Record<string, unknown>> = {
  total: { type: "numeric", tolerance: 0.005 },
  average: { type: "numeric", tolerance: 0.005 },
  count: { type: "numeric", tolerance: 0 },
  "largest-key": { type: "normalized" },
  "date-of-largest": { type: "normalized" },
  "count-in-month": { type: "numeric", tolerance: 0 },
};

export function generateSimWorld(options: SimWorldOptions = {}): SimWorld {
  const seed = options.seed ?? 7;
  const familyCount = options.families ?? 6;
  const distractors = Math.min(options.distractors ?? 1, familyCount - 1);
  const perFamily = options.perFamily ?? 10;
  if (familyCount > TOPICS.length) throw new Error(`at most ${TOPICS.length} families`);
  const random = seededRandom(seed);
  const used = new Set<string>();
  const families: SimFamily[] = [];
  for (let i = 0; i < familyCount; i++) {
    const distractor = i >= familyCount - distractors;
    // the first family needs one rule: the seed skill states it
    const size = distractor ? 0 : i === 0 ? 1 : pick(random, [1, 2, 2, 3]);
    const ops = size === 0 ? [] : drawOperations(random, size);
    families.push(drawFamily(random, `f${i + 1}`, ops, used));
  }
  const everyRule = families.flatMap((family) => family.needs);
  const tasks: GeneratedSimTask[] = [];
  for (let round = 0; round < perFamily; round++) {
    for (const family of families) {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 500) throw new Error(`family ${family.id} cannot be generated (seed ${seed})`);
        const drawn = drawTask(family, random);
        if (!drawn) continue;
        const table = tableOf(drawn.csv);
        const expected = answerQuestion(drawn.question, table, family.needs);
        if (expected === undefined || /^(no values|unknown)$/.test(expected)) continue;
        if (!showsEveryRule(family, drawn.csv, drawn.question, expected)) continue;
        // every family's rules together must not change this task's answer
        const together = answerQuestion(drawn.question, table, everyRule);
        if (together === undefined || !sameAnswer(together, expected)) continue;
        const id = `sim-${String(tasks.length + 1).padStart(3, "0")}`;
        tasks.push({
          id,
          prompt: `${family.file} ${family.describe}. ${formatQuestion(drawn.question)}`,
          file: { path: `files/${id}/${family.file}`, csv: drawn.csv },
          expected,
          grader: GRADERS[family.question],
          family: family.id,
        });
        break;
      }
    }
  }
  return { seed, families, tasks, seedSkill: seedSkillFiles(families[0]) };
}

/** The seed skill: honest general guidance, stating the one rule of the first family and no other. */
function seedSkillFiles(first: SimFamily | undefined): Record<string, string> {
  const rules = (first?.needs ?? []).map(formatRule);
  const skill = [
    "---",
    "name: csv-analyst",
    "description: Answer questions about small CSV files (totals, averages, counts, largest values, dates). Use when a task asks for one value computed from a CSV table in the workspace.",
    "---",
    "",
    "# CSV analyst",
    "",
    "Answer a question about a CSV file with one exact value.",
    "",
    "## Workflow",
    "",
    "1. Open the CSV file named in the task and look at the header and a few rows.",
    "2. Apply the conventions below, and those of any reference this skill points you to, before computing.",
    "3. Compute the answer with a short Python script.",
    "4. Reply with the value only: no units, no sentence.",
    "",
    "## Conventions",
    "",
    "Each convention is one line of the form `Rule: <operation> [<argument>] [in column <name>]`.",
    "",
    ...rules,
    "",
  ].join("\n");
  return { "SKILL.md": skill };
}

/** The task file line for a generated task (the family is kept in meta, never shown to the agent). */
export function simTaskLine(task: GeneratedSimTask): string {
  return JSON.stringify({
    id: task.id,
    prompt: task.prompt,
    files: [task.file.path],
    expected: task.expected,
    grader: task.grader,
    meta: { family: task.family },
  });
}

/** The world's answer key as world.json shows it: each family with its rules as lines. */
export function worldKey(world: SimWorld) {
  return {
    note: "The sim world's answer key (a simulation): which conventions each family's files follow. Only the generator and tests read it; no sim role does.",
    seed: world.seed,
    families: world.families.map((family) => ({
      ...family,
      needs: family.needs.map(formatRule),
      tasks: world.tasks.filter((task) => task.family === family.id).map((task) => task.id),
    })),
  };
}

export { MONTHS };
