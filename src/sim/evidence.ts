import { TOOL } from "../executor/builtin/protocol.js";
import { parseQuestion, type Question } from "./library/question.js";
import { type Table, tableOf } from "./library/read.js";
import { parseRules, type Rule } from "./library/rules.js";
import { pathOf, type RenderedCall } from "./prompt-reading.js";

/**
 * What a simulated diagnoser can take from the evidence it is shown: the question (task text), the
 * data the agent read (a read_file result in the trajectory), the answer it gave, the expected answer
 * (the grader's feedback), and the rules the skill text it read states. Each part may be missing —
 * withheld or never there — and then the diagnoser cannot use it.
 */
export interface Evidence {
  question?: Question;
  table?: Table;
  dataFile?: string;
  expected?: string;
  answer?: string;
  /** Rules stated in the skill text the agent read (activation and skill files), in reading order. */
  rulesRead: Rule[];
  /** Skill files the agent opened. */
  opened: string[];
  activated: boolean;
}

/** The expected value in a grader's feedback ("expected 1250, got …" / 'expected "2024-03-04", got …'). */
export function expectedIn(feedback: string): string | undefined {
  const match = /expected ("(?:[^"\\]|\\.)*"|[^\s,]+)(?:,|\s|$)/.exec(feedback);
  if (!match?.[1]) return undefined;
  const raw = match[1];
  if (!raw.startsWith('"')) return raw;
  try {
    return String(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

/** The final answer a rendered trajectory ends with. */
export function answerIn(finalLine: string): string | undefined {
  const quoted = /^("(?:[^"\\]|\\.)*")/.exec(finalLine)?.[1];
  if (!quoted) return undefined;
  return String(JSON.parse(quoted));
}

export function readEvidence(
  taskText: string,
  feedback: string,
  calls: RenderedCall[],
  finalLine: string,
): Evidence {
  const question = parseQuestion(taskText);
  const dataRead = calls.find(
    (call) =>
      call.name === TOOL.readFile && /\.csv$/.test(pathOf(call) ?? "") && !call.output.startsWith("error:"),
  );
  const skillText = calls
    .filter((call) => call.name === TOOL.activateSkill || call.name === TOOL.readSkillFile)
    .map((call) => call.output)
    .join("\n");
  const expected = expectedIn(feedback);
  const answer = answerIn(finalLine);
  return {
    ...(question ? { question } : {}),
    ...(dataRead
      ? { table: tableOf(dataRead.output.replace(/ \[…\]$/, "")), dataFile: pathOf(dataRead) }
      : {}),
    ...(expected !== undefined ? { expected } : {}),
    ...(answer !== undefined ? { answer } : {}),
    rulesRead: parseRules(skillText),
    opened: calls.filter((call) => call.name === TOOL.readSkillFile).flatMap((call) => pathOf(call) ?? []),
    activated: calls.some((call) => call.name === TOOL.activateSkill),
  };
}
