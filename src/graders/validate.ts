import type { GraderSpec } from "../tasks/types.js";
import { parseNumber } from "./text.js";

type Options = Record<string, unknown>;

interface GraderRule {
  /** Options the grader reads; any other key is a typo. */
  options: string[];
  /** Whether the task must give `expected`. */
  needsExpected: boolean;
  /** A problem with the options or the expected value, in words, or undefined. */
  check?: (options: Options, expected: unknown) => string | undefined;
}

function requiredString(options: Options, key: string, type: string): string | undefined {
  const value = options[key];
  return typeof value === "string" && value.trim() !== ""
    ? undefined
    : `the ${type} grader needs a non-empty string "${key}"`;
}

function optional(options: Options, key: string, kind: "number" | "boolean" | "string", type: string) {
  const value = options[key];
  if (value === undefined || typeof value === kind) return undefined;
  return `the ${type} grader's "${key}" must be a ${kind}, got ${JSON.stringify(value)}`;
}

/** The checks for each built-in grader; keep in step with `builtIn` in index.ts (a test compares them). */
export const GRADER_RULES: Record<string, GraderRule> = {
  exact: { options: [], needsExpected: true },
  normalized: { options: [], needsExpected: true },
  numeric: {
    options: ["tolerance", "relative"],
    needsExpected: true,
    check: (options, expected) => {
      const number = typeof expected === "number" ? expected : parseNumber(String(expected));
      if (number === undefined || Number.isNaN(number))
        return `the numeric grader's expected value ${JSON.stringify(expected)} is not a number`;
      const tolerance = options.tolerance;
      if (tolerance !== undefined && (typeof tolerance !== "number" || !(tolerance >= 0)))
        return `the numeric grader's "tolerance" must be a number ≥ 0, got ${JSON.stringify(tolerance)}`;
      return optional(options, "relative", "boolean", "numeric");
    },
  },
  regex: {
    options: ["pattern", "flags"],
    needsExpected: false,
    check: (options) => {
      const problem =
        requiredString(options, "pattern", "regex") ?? optional(options, "flags", "string", "regex");
      if (problem) return problem;
      try {
        new RegExp(options.pattern as string, (options.flags as string | undefined) ?? "");
        return undefined;
      } catch (error) {
        return `the regex grader's pattern is not a valid regular expression: ${(error as Error).message}`;
      }
    },
  },
  json: { options: [], needsExpected: true },
  "unordered-list": {
    options: ["separator"],
    needsExpected: true,
    check: (options, expected) =>
      Array.isArray(expected)
        ? optional(options, "separator", "string", "unordered-list")
        : 'the unordered-list grader needs "expected" to be a JSON array',
  },
  command: {
    options: ["command", "timeoutSec"],
    needsExpected: false,
    check: (options) => {
      const problem = requiredString(options, "command", "command");
      if (problem) return problem;
      const timeout = options.timeoutSec;
      if (timeout !== undefined && (typeof timeout !== "number" || !(timeout > 0)))
        return `the command grader's "timeoutSec" must be a number > 0, got ${JSON.stringify(timeout)}`;
      return undefined;
    },
  },
  "llm-judge": {
    options: ["rubric"],
    needsExpected: false,
    check: (options) => requiredString(options, "rubric", "llm-judge"),
  },
};

/**
 * What is wrong with a task's grader spec and expected value, or undefined when the grader can
 * run. Checked when tasks load, so a typo fails before any model call, not at grading time.
 */
export function graderSpecProblem(spec: GraderSpec | undefined, expected: unknown): string | undefined {
  const { type, ...options } = typeof spec === "string" ? { type: spec } : (spec ?? { type: "normalized" });
  const rule = GRADER_RULES[type];
  if (!rule) return `unknown grader "${type}": use one of ${Object.keys(GRADER_RULES).join(", ")}`;
  const unknown = Object.keys(options).filter((key) => !rule.options.includes(key));
  if (unknown.length > 0) {
    const allowed = rule.options.length > 0 ? `it takes ${rule.options.join(", ")}` : "it takes none";
    return `the ${type} grader has no option ${unknown.map((key) => `"${key}"`).join(", ")} (${allowed})`;
  }
  if (rule.needsExpected && expected === undefined) return `the ${type} grader needs an "expected" value`;
  return rule.check?.(options, expected);
}
