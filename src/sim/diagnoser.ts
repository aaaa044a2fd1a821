import type { DiagnosisReply } from "../optimizer/records.js";
import { hashUnit } from "../util/random.js";
import { type Evidence, expectedIn, readEvidence } from "./evidence.js";
import { formatRule, operation, type Rule, sameRule } from "./library/rules.js";
import { smallestExplainingSet, smallestSufficientSubset } from "./library/search.js";
import { promptSections, readRenderedTrajectory } from "./prompt-reading.js";

/** Seeded noise shared by the simulated optimizer roles. */
export interface SimRoleSettings {
  /** Probability (0–1) that a role's output goes wrong (a vague diagnosis, a rule written loosely). */
  noise: number;
  seed: number;
}

const FAILURE_SECTIONS = ["Task (id", "Grader feedback", "Trajectory", "Skill the agent had"];
const CONTRASTIVE_SECTIONS = [
  "Task (id",
  "Earlier attempt (failed)",
  "Current attempt (passed)",
  "Current skill",
];

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

/**
 * The failure diagnoser (a simulation). From the evidence alone — the data the agent read, the answer
 * it gave and the expected value — it searches the generic operation library for the smallest set of
 * rules that, added to those the agent had read, reproduces the expected answer, and names it. Without
 * that evidence (or with probability `noise`) it can only give a vague diagnosis that states no rule.
 */
export function simDiagnoseFailure(user: string, settings: SimRoleSettings): DiagnosisReply {
  const sections = promptSections(user, FAILURE_SECTIONS);
  const trajectory = readRenderedTrajectory(sections.get("Trajectory")?.body ?? "");
  const evidence = readEvidence(
    sections.get("Task (id")?.body ?? "",
    sections.get("Grader feedback")?.body ?? "",
    trajectory.calls,
    trajectory.answer,
  );
  return diagnoseFailure(evidence, noisy(settings, "diagnose", user));
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
export function simDiagnoseContrastive(user: string, settings: SimRoleSettings): DiagnosisReply {
  const sections = promptSections(user, CONTRASTIVE_SECTIONS);
  const earlierText = sections.get("Earlier attempt (failed)")?.body ?? "";
  const current = readRenderedTrajectory(sections.get("Current attempt (passed)")?.body ?? "");
  const earlier = readRenderedTrajectory(earlierText);
  const task = sections.get("Task (id")?.body ?? "";
  const now = readEvidence(task, "", current.calls, current.answer);
  const before = readEvidence(task, earlierText, earlier.calls, earlier.answer);
  const expected = expectedIn(earlierText) ?? now.answer;
  const table = now.table ?? before.table;
  const vague = (robustness: "lucky" | "unclear", why: string): DiagnosisReply => ({
    ...VAGUE_SUCCESS,
    cause: `The current attempt ${readingAccount(now)} and answered ${JSON.stringify(now.answer ?? "")}; the earlier one answered ${JSON.stringify(before.answer ?? "")}; ${why}.`,
    robustness,
  });
  if (!now.question || !table || expected === undefined)
    return vague("unclear", "the evidence does not show why");
  if (noisy(settings, "contrast", user)) return vague("unclear", "the trajectories do not show why");
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
