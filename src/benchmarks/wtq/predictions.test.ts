import { describe, expect, it } from "vitest";
import { formatPredictionLine, gradePredictions, parsePredictionsTsv } from "./predictions.js";

describe("parsePredictionsTsv", () => {
  it("reads id<TAB>values lines, keeping values verbatim", () => {
    const text = "nu-1\tItaly\tSpain\nnu-2\nnu-3\t\nnu-4\ta\\nb \\p\n";
    expect(parsePredictionsTsv(text)).toEqual([
      { id: "nu-1", values: ["Italy", "Spain"], line: 1 },
      { id: "nu-2", values: [], line: 2 },
      { id: "nu-3", values: [""], line: 3 },
      { id: "nu-4", values: ["a\\nb \\p"], line: 4 },
    ]);
  });

  it("does not take a byte order mark for part of the first id", () => {
    expect(parsePredictionsTsv("\uFEFFnu-1\t17\r\nnu-2\t3\r\n")).toEqual([
      { id: "nu-1", values: ["17"], line: 1 },
      { id: "nu-2", values: ["3"], line: 2 },
    ]);
  });

  it("skips blank lines and accepts CRLF line endings", () => {
    expect(parsePredictionsTsv("\r\nnu-1\t17\r\n\n")).toEqual([{ id: "nu-1", values: ["17"], line: 2 }]);
  });
});

describe("formatPredictionLine", () => {
  it("writes a line that parses back to the same values, replacing tabs and line breaks", () => {
    const line = formatPredictionLine("nu-1", ["New\tYork", "a\nb", ""]);
    expect(line).toBe("nu-1\tNew York\ta b\t");
    expect(parsePredictionsTsv(line)[0]?.values).toEqual(["New York", "a b", ""]);
  });
});

describe("gradePredictions", () => {
  const questions = [
    { id: "q1", answers: ["17 years"], canon: ["17.0"] },
    { id: "q2", answers: ["Italy"], canon: ["Italy"] },
  ];

  it("grades in input order and computes accuracy over graded lines", () => {
    const report = gradePredictions(questions, [
      { id: "q2", values: ["italy"] },
      { id: "q1", values: ["18"] },
    ]);
    expect(report.results).toEqual([
      { id: "q2", correct: true },
      { id: "q1", correct: false },
    ]);
    expect(report.accuracy).toBe(0.5);
    expect(report.correct).toBe(1);
    expect(report.graded).toBe(2);
  });

  it("marks unknown ids and later duplicates without counting them", () => {
    const report = gradePredictions(questions, [
      { id: "q1", values: ["17"] },
      { id: "nope", values: ["17"] },
      { id: "q1", values: ["17"] },
    ]);
    expect(report.results).toEqual([
      { id: "q1", correct: true },
      { id: "nope", correct: false, reason: "unknown id" },
      { id: "q1", correct: false, reason: "duplicate id" },
    ]);
    expect(report.accuracy).toBe(1);
    expect(report.graded).toBe(1);
  });

  it("reports zero accuracy when nothing could be graded", () => {
    expect(gradePredictions(questions, [{ id: "x", values: [] }]).accuracy).toBe(0);
  });
});
