import { describe, expect, it } from "vitest";
import { answerQuestion, formatQuestion, parseQuestion, type Question } from "./question.js";
import { dateOf, numberOf, rowsUnderRules, tableOf } from "./read.js";
import { effectiveRules, formatRule, parseRuleLine, parseRules, ruleFor } from "./rules.js";
import { candidateRules, smallestExplainingSet, smallestSufficientSubset } from "./search.js";

describe("the sim rule syntax", () => {
  it("reads one rule per line, with list markers, backticks and any case of 'Rule:'", () => {
    expect(parseRuleLine("Rule: skip-rows Total, Subtotal in column item")).toEqual({
      op: "skip-rows",
      arg: "Total, Subtotal",
      column: "item",
    });
    expect(parseRuleLine("- `rule: decimal-comma`")).toEqual({ op: "decimal-comma", arg: "" });
    expect(parseRuleLine('3. RULE: date-order Day-First in column "shipped on"')).toEqual({
      op: "date-order",
      arg: "day-first",
      column: "shipped on",
    });
    expect(parseRuleLine("Rule: thousands-separator , in column units")).toMatchObject({ arg: "," });
    expect(parseRuleLine("Rule: thousands-separator space")).toMatchObject({ arg: "space" });
  });

  it("ignores text it cannot parse: prose, unknown operations, bad arguments", () => {
    expect(parseRules("Dates are day-first (DD/MM/YYYY).\nDrop the total row before summing.")).toEqual([]);
    expect(parseRuleLine("Rule: dates day-first")).toBeUndefined();
    expect(parseRuleLine("Rule: date-order sideways")).toBeUndefined();
    expect(parseRuleLine("Rule: units furlongs")).toBeUndefined();
    expect(parseRuleLine("Rule: decimal-comma always")).toBeUndefined();
    expect(parseRuleLine("The Rule: date-order day-first")).toBeUndefined();
  });

  it("formats rules back to the same line", () => {
    for (const line of [
      "Rule: missing -999, n/a in column score",
      "Rule: drop-duplicates",
      "Rule: units kg in column weight",
    ])
      expect(formatRule(parseRuleLine(line) as never)).toBe(line);
  });

  it("a later rule about the same operation and column wins; a column rule wins over a general one", () => {
    const rules = parseRules(
      "Rule: date-order day-first\nRule: date-order month-first in column b\nRule: date-order month-first",
    );
    expect(effectiveRules(rules).map(formatRule)).toEqual([
      "Rule: date-order month-first in column b",
      "Rule: date-order month-first",
    ]);
    const mixed = parseRules("Rule: date-order day-first in column A\nRule: date-order month-first");
    expect(ruleFor(mixed, "date-order", "a")?.arg).toBe("day-first");
    expect(ruleFor(mixed, "date-order", "b")?.arg).toBe("month-first");
  });
});

describe("reading a table under rules", () => {
  const rules = (text: string) => parseRules(text);
  it("reads numbers plainly by default and by each numeric convention when stated", () => {
    expect(numberOf("1250", "x", [])).toBe(1250);
    for (const cell of ["1,250", "$1250", "(12)", "12,5", "800 g"])
      expect(numberOf(cell, "x", [])).toBeUndefined();
    expect(numberOf("1,250", "x", rules("Rule: thousands-separator ,"))).toBe(1250);
    expect(numberOf("1'250", "x", rules("Rule: thousands-separator '"))).toBe(1250);
    expect(numberOf("1 250", "x", rules("Rule: thousands-separator space"))).toBe(1250);
    expect(numberOf("1.234,5", "x", rules("Rule: thousands-separator .\nRule: decimal-comma"))).toBe(1234.5);
    expect(numberOf("1,250", "x", rules("Rule: decimal-comma"))).toBe(1.25); // a wrong rule, a wrong value
    expect(numberOf("12,5", "x", rules("Rule: decimal-comma"))).toBe(12.5);
    expect(numberOf("€ 12", "x", rules("Rule: currency €"))).toBe(12);
    expect(numberOf("$12", "x", rules("Rule: currency €"))).toBeUndefined();
    expect(numberOf("(12)", "x", rules("Rule: negative-parentheses"))).toBe(-12);
    expect(numberOf("800 g", "x", rules("Rule: units kg"))).toBeCloseTo(0.8);
    expect(numberOf("800 g", "x", rules("Rule: strip-units"))).toBe(800);
    expect(numberOf("-999", "x", rules("Rule: missing -999"))).toBeUndefined();
    expect(numberOf("1,250", "y", rules("Rule: thousands-separator , in column x"))).toBeUndefined();
  });

  it("reads dates month-first unless told day-first", () => {
    expect(dateOf("03/04/2024", "d", [])).toEqual({ year: 2024, month: 3, day: 4 });
    expect(dateOf("03/04/2024", "d", rules("Rule: date-order day-first in column d"))).toEqual({
      year: 2024,
      month: 4,
      day: 3,
    });
  });

  it("skips labelled rows and duplicates only when told", () => {
    const table = tableOf("item,cost\na,1\na,1\nb,2\nTotal,4\n");
    expect(rowsUnderRules(table, [])).toHaveLength(4);
    expect(rowsUnderRules(table, rules("Rule: skip-rows total\nRule: drop-duplicates"))).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
  });
});

describe("the question grammar", () => {
  const questions: Question[] = [
    { kind: "total", value: "weight", unit: "kg", filter: { column: "region", value: "North" } },
    { kind: "average", value: "cost" },
    { kind: "count", filter: { column: "team", value: "Ops" } },
    { kind: "largest-key", key: "item", value: "cost" },
    { kind: "date-of-largest", date: "paid_on", value: "cost" },
    { kind: "count-in-month", date: "paid_on", month: 3 },
  ];
  it("reads back every question it writes", () => {
    for (const question of questions)
      expect(parseQuestion(`data.csv lists things. ${formatQuestion(question)}`)).toEqual(question);
    expect(parseQuestion("What is the meaning of life?")).toBeUndefined();
  });

  it("answers under rules", () => {
    const table = tableOf(
      'item,paid_on,team,cost\na,03/04/2024,Ops,"1,000"\nb,05/03/2024,ops ,20\nTotal,,,1020\n',
    );
    const ask = (question: Question, text = "") => answerQuestion(question, table, parseRules(text));
    expect(ask({ kind: "total", value: "cost" })).toBe("1040");
    expect(ask({ kind: "total", value: "cost" }, "Rule: thousands-separator ,\nRule: skip-rows Total")).toBe(
      "1020",
    );
    expect(ask({ kind: "count", filter: { column: "team", value: "Ops" } })).toBe("1");
    expect(
      ask({ kind: "count", filter: { column: "team", value: "Ops" } }, "Rule: text-match case-insensitive"),
    ).toBe("2");
    expect(ask({ kind: "count-in-month", date: "paid_on", month: 3 })).toBe("1");
    expect(ask({ kind: "count-in-month", date: "paid_on", month: 3 }, "Rule: date-order day-first")).toBe(
      "1",
    );
    expect(
      ask(
        { kind: "date-of-largest", date: "paid_on", value: "cost" },
        "Rule: thousands-separator ,\nRule: skip-rows Total",
      ),
    ).toBe("2024-03-04");
    expect(ask({ kind: "total", value: "nothing" })).toBeUndefined();
  });
});

describe("the diagnoser's search over the operation library", () => {
  const table = tableOf('item,cost\na,"1,200"\nb,300\nb,300\nTotal,1800\n');
  const question: Question = { kind: "total", value: "cost" };

  it("proposes only conventions the data shows", () => {
    const candidates = candidateRules(table, question).map(formatRule);
    expect(candidates).toContain("Rule: skip-rows Total in column item");
    expect(candidates).toContain("Rule: drop-duplicates");
    expect(candidates).toContain("Rule: thousands-separator , in column cost");
    expect(candidates.some((line) => line.includes("date-order") || line.includes("currency"))).toBe(false);
  });

  it("finds the smallest set of rules that reproduces the expected answer", () => {
    expect(smallestExplainingSet(table, question, [], "1500")?.map(formatRule)).toEqual([
      "Rule: skip-rows Total in column item",
      "Rule: drop-duplicates",
      "Rule: thousands-separator , in column cost",
    ]);
    expect(smallestExplainingSet(table, question, [], "2400")).toEqual([]);
    expect(smallestExplainingSet(table, question, [], "2100")?.map(formatRule)).toEqual([
      "Rule: drop-duplicates",
    ]);
    expect(smallestExplainingSet(table, question, [], "2400.5")).toBeUndefined();
    // rules already had are kept: only what is missing is named
    const had = parseRules("Rule: drop-duplicates\nRule: skip-rows Total");
    expect(smallestExplainingSet(table, question, had, "1500")?.map(formatRule)).toEqual([
      "Rule: thousands-separator , in column cost",
    ]);
    expect(smallestExplainingSet(table, question, had, "300")).toEqual([]);
  });

  it("finds which of the rules read explain an answer", () => {
    const read = parseRules("Rule: drop-duplicates\nRule: currency $\nRule: skip-rows Total in column item");
    expect(smallestSufficientSubset(table, question, read, "300")?.map(formatRule)).toEqual([
      "Rule: drop-duplicates",
      "Rule: skip-rows Total in column item",
    ]);
    expect(smallestSufficientSubset(table, question, read, "9")).toBeUndefined();
  });
});
