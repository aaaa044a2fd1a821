import { ROLE_TOOL } from "../optimizer/agent/skill-tools.js";
import type { DiagnosisReply } from "../optimizer/records.js";
import { hashUnit } from "../util/random.js";
import { type Conversation, resultsOf } from "./conversation.js";
import { type Evidence, readEvidence } from "./evidence.js";
import { formatRule, operation, parseRules, type Rule, sameRule } from "./library/rules.js";
import { smallestExplainingSet, smallestSufficientSubset } from "./library/search.js";
import { promptSections, readPromptSkill, readRenderedTrajectory } from "./prompt-reading.js";
import type { SimStep } from "./roles.js";

/** Seeded noise shared by the simulated optimizer roles. */
export interface SimRoleSettings {
  /** Probability (0–1) that a role's output goes wrong (a vague diagnosis, a rule written loosely). */
  noise: number;
  seed: number;
}

const FAILURE_SECTIONS = [
  "Task (id",
  "Grader feedback",
  "Trajectory",
  "Human feedback",
  "Skill the agent had",
];
const CONTRASTIVE_SECTIONS = [
  "Task (id",
  "Earlier attempt (failed)",
  "Current attempt (passed)",
  "Human feedback",
  "Current skill",
];

/**
 * What a person wrote about the task, when the prompt has their notes (optimize --feedback): the
 * sim quotes them in its account of the cause, as a model told of a reviewer's notes would; it draws
 * no rule from them (it has no reading of free prose).
 */
function humanNotesIn(section: string | undefined): string {
  const said = [...(section ?? "").matchAll(/wrote: ("(?:[^"\\]|\\.)*")/g)].map(
    (m) => JSON.parse(m[1] as string) as string,
  );
  return said.length > 0
    ? ` A person who reviewed an earlier run noted: ${said.map((text) => JSON.stringify(text)).join("; ")}.`
    : "";
}

/** What a simulated diagnoser says when the evidence does not let it name a rule: true, and useless. */
export const VAGUE_FAILURE = {
  label: "Incorrect final value returned",
  kind: "mixed",
  whatHappened: "The final answer did not match the expected value.",
  correctApproach: "Check the computation carefully and verify the final value before answering.",
  skippedStep: "Verifying the result before answering.",
} as const;

export const VAGUE_SUCCESS = {
  label: "Correct answer this time",
  kind: "mixed",
  whatHappened: "The agent gave the expected value this time.",
  correctApproach: "Keep following the skill and check the result before answering.",
  skippedStep: "Checking the result before answering.",
} as const;

const lines = (rules: Rule[]) => rules.map(formatRule).join("\n");

function readingAccount(evidence: Evidence): string {
  if (!evidence.activated) return "never activated the skill";
  return evidence.opened.length > 0
    ? `activated the skill and read ${evidence.opened.join(", ")}`
    : "activated the skill but opened no reference";
}

function missingEvidence(evidence: Evidence): string | undefined {
  if (!evidence.question) return "the question is not one it can read";
  if (!evidence.table) return "the trajectory shows no data file the agent read";
  if (evidence.expected === undefined) return "the grader's feedback gives no expected value";
  return undefined;
}

function noisy(settings: SimRoleSettings, role: string, input: string): boolean {
  return hashUnit(`sim-${role}`, settings.seed, input) < settings.noise;
}

function readOf(
  conversation: Conversation,
  tool: string,
  attempt: "current" | "earlier",
): string | undefined {
  return resultsOf(conversation, tool).find((done) => (done.input.attempt ?? "current") === attempt)?.output;
}

/** The evidence of one attempt as the diagnoser's tools showed it (undefined parts were not read, or withheld). */
function evidenceOf(conversation: Conversation, taskText: string, attempt: "current" | "earlier"): Evidence {
  const grader = readOf(conversation, ROLE_TOOL.readGraderOutput, attempt) ?? "";
  const feedback = /^feedback: (.*)$/m.exec(grader)?.[1] ?? "";
  const trajectory = readRenderedTrajectory(readOf(conversation, ROLE_TOOL.readTrajectory, attempt) ?? "");
  return readEvidence(taskText, feedback, trajectory.calls, trajectory.answer);
}

/** The next evidence tool to call, if any is still unread. */
function nextRead(
  conversation: Conversation,
  reads: Array<[string, "current" | "earlier"]>,
): SimStep | undefined {
  for (const [tool, attempt] of reads) {
    if (readOf(conversation, tool, attempt) === undefined) return { tool, input: { attempt } };
  }
  return undefined;
}

/**
 * Where the rules a diagnosis names already sit: a skill file the agent never opened that states them
 * all. The diagnoser opens the unopened references one by one to find out.
 */
function unopenedHome(
  conversation: Conversation,
  skillFiles: string[],
  evidence: Evidence,
  rules: Rule[],
): { step?: SimStep; home?: string } {
  if (rules.length === 0) return {};
  const keys = new Set(rules.map(formatRule));
  for (const path of skillFiles.filter(
    (file) => file.startsWith("references/") && !evidence.opened.includes(file),
  )) {
    const read = resultsOf(conversation, ROLE_TOOL.readSkillFile).find((done) => done.input.path === path);
    if (!read) return { step: { tool: ROLE_TOOL.readSkillFile, input: { path } } };
    const stated = new Set(parseRules(read.output).map(formatRule));
    if ([...keys].every((key) => stated.has(key))) return { home: path };
  }
  return {};
}

/**
 * The failure diagnoser (a simulation), step by step through its tools: it reads the grader's output
 * and the whole trajectory, searches the generic operation library for the smallest set of rules that,
 * added to those the agent had read, reproduces the expected answer from the data the agent read,
 * checks whether an unopened reference already states them, and submits. Without that evidence (or
 * with probability `noise`) it can only submit a vague diagnosis that states no rule.
 */
export function simFailureStep(conversation: Conversation, settings: SimRoleSettings): SimStep {
  const user = conversation.userMessages[0] ?? "";
  const sections = promptSections(user, FAILURE_SECTIONS);
  const read = nextRead(conversation, [
    [ROLE_TOOL.readGraderOutput, "current"],
    [ROLE_TOOL.readTrajectory, "current"],
  ]);
  if (read) return read;
  const evidence = evidenceOf(conversation, sections.get("Task (id")?.body ?? "", "current");
  const diagnosis = diagnoseFailure(evidence, noisy(settings, "diagnose", user));
  const skill = readPromptSkill(sections.get("Skill the agent had")?.body ?? "");
  const where = unopenedHome(conversation, skill.files, evidence, parseRules(diagnosis.correctApproach));
  if (where.step) return where.step;
  if (where.home) {
    diagnosis.cause += ` ${where.home} already states this, but the agent never opened it: the body does not lead it there for this task.`;
  }
  diagnosis.cause += humanNotesIn(sections.get("Human feedback")?.body);
  return { tool: ROLE_TOOL.submitDiagnosis, input: diagnosis };
}

export function diagnoseFailure(evidence: Evidence, vague: boolean): DiagnosisReply {
  const vagueReply = (why: string) => ({
    ...VAGUE_FAILURE,
    cause: `The agent ${readingAccount(evidence)} and answered ${JSON.stringify(evidence.answer ?? "")}; ${why}.`,
  });
  const missing = missingEvidence(evidence);
  if (missing) return vagueReply(missing);
  if (vague) return vagueReply("the evidence does not show where it went wrong");
  const { question, table, expected } = evidence as Required<
    Pick<Evidence, "question" | "table" | "expected">
  >;
  const found = smallestExplainingSet(table, question, evidence.rulesRead, expected);
  if (found === undefined) {
    return vagueReply(
      `no set of up to three conventions of the operation library turns the data into ${JSON.stringify(expected)}`,
    );
  }
  if (found.length === 0) {
    // the rules it read already give the expected answer: it did not apply one of them
    const needed = smallestSufficientSubset(table, question, evidence.rulesRead, expected) ?? [];
    return {
      label: "Stated convention not applied",
      kind: "workflow",
      whatHappened: `The agent answered ${JSON.stringify(evidence.answer ?? "")} although the skill text it read gives ${JSON.stringify(expected)}.`,
      cause: `The agent ${readingAccount(evidence)}; applying the rules it read to ${evidence.dataFile} gives the expected answer, so it left one of them out.`,
      correctApproach: lines(needed) || "Apply every convention the skill states before computing.",
      skippedStep: "Applying each stated convention to the data before computing.",
    };
  }
  const first = operation(found[0]?.op ?? "skip-rows");
  const replaced = found.filter((rule) =>
    evidence.rulesRead.some((read) => read.op === rule.op && !sameRule(read, rule)),
  );
  return {
    label: first.label,
    kind: first.kind,
    whatHappened: `The agent answered ${JSON.stringify(evidence.answer ?? "")}; the data gives ${JSON.stringify(expected)} only when read by ${found.length === 1 ? "this convention" : "these conventions"}: ${found.map(formatRule).join("; ")}.`,
    cause: `The agent ${readingAccount(evidence)}. ${
      replaced.length > 0
        ? `The skill text it read states a different ${replaced.map((r) => r.op).join(", ")} rule, which gives the wrong answer here.`
        : "Nothing it read states this convention."
    } Applying it to ${evidence.dataFile} reproduces the expected answer.`,
    correctApproach: lines(found),
    skippedStep: `Checking how the ${[...new Set(found.flatMap((r) => r.column ?? []))].join(" and ") || "table's"} values are written before computing.`,
  };
}

/**
 * The contrastive diagnoser (a simulation): which rules the passing attempt read explain its success
 * (the smallest subset of them that reproduces the expected answer on the data)? The success is
 * robust when such rules exist, lucky when the rules it read do not give the answer at all.
 */
export function simContrastiveStep(conversation: Conversation, settings: SimRoleSettings): SimStep {
  const user = conversation.userMessages[0] ?? "";
  const read = nextRead(conversation, [
    [ROLE_TOOL.readGraderOutput, "earlier"],
    [ROLE_TOOL.readTrajectory, "earlier"],
    [ROLE_TOOL.readTrajectory, "current"],
  ]);
  if (read) return read;
  const sections = promptSections(user, CONTRASTIVE_SECTIONS);
  const task = sections.get("Task (id")?.body ?? "";
  const diagnosis = diagnoseContrastive(conversation, task, noisy(settings, "contrast", user));
  diagnosis.cause += humanNotesIn(sections.get("Human feedback")?.body);
  return { tool: ROLE_TOOL.submitDiagnosis, input: diagnosis };
}

function diagnoseContrastive(conversation: Conversation, task: string, vagueDraw: boolean): DiagnosisReply {
  const now = evidenceOf(conversation, task, "current");
  const before = evidenceOf(conversation, task, "earlier");
  const expected = before.expected ?? now.answer;
  const table = now.table ?? before.table;
  const vague = (robustness: "lucky" | "unclear", why: string): DiagnosisReply => ({
    ...VAGUE_SUCCESS,
    cause: `The current attempt ${readingAccount(now)} and answered ${JSON.stringify(now.answer ?? "")}; the earlier one answered ${JSON.stringify(before.answer ?? "")}; ${why}.`,
    robustness,
  });
  if (!now.question || !table || expected === undefined)
    return vague("unclear", "the evidence does not show why");
  if (vagueDraw) return vague("unclear", "the trajectories do not show why");
  const explaining = smallestSufficientSubset(table, now.question, now.rulesRead, expected);
  if (explaining === undefined)
    return vague("lucky", "the rules it read do not give this answer, so it was luck");
  if (explaining.length === 0) return vague("unclear", "the data gives this answer without any convention");
  const fresh = explaining.filter((rule) => !before.rulesRead.some((old) => sameRule(old, rule)));
  const first = operation(explaining[0]?.op ?? "skip-rows");
  return {
    label: first.label,
    kind: first.kind,
    whatHappened: `This time the agent read and applied ${explaining.map(formatRule).join("; ")}.`,
    cause: `The current attempt ${readingAccount(now)}; the earlier attempt ${readingAccount(before)}${
      fresh.length > 0 ? ` and did not have ${fresh.map(formatRule).join("; ")}` : ""
    }. These rules turn the data into the expected ${JSON.stringify(expected)}.`,
    correctApproach: lines(explaining),
    skippedStep: "Applying the skill's stated conventions before computing.",
    robustness: "robust",
  };
}
