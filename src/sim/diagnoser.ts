import { familyOfPrompt, type SimFamily, statesRule } from "../benchmarks/sim/families.js";
import { TOOL } from "../executor/protocol.js";
import type { DiagnosisReply } from "../optimizer/records.js";
import { hashUnit } from "../util/random.js";
import { pathOf, promptSections, type RenderedCall, readRenderedTrajectory } from "./prompt-reading.js";

/** Seeded noise shared by the simulated optimizer roles. */
export interface SimRoleSettings {
  /** Probability (0–1) that a role's output goes wrong (a vague diagnosis, a weakened rule). */
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

/** What a noisy (or clueless) simulated diagnoser says: true but useless, and no rule in it. */
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

/** The skill text a trajectory shows the agent reading: activation and skill-file results. */
function skillTextRead(calls: RenderedCall[]): string {
  return calls
    .filter((call) => call.name === TOOL.activateSkill || call.name === TOOL.readSkillFile)
    .map((call) => call.output)
    .join("\n");
}

/** One sentence on what the agent looked at in the skill, for the diagnosis' `cause`. */
function readingAccount(calls: RenderedCall[]): string {
  if (!calls.some((call) => call.name === TOOL.activateSkill)) return "never activated the skill";
  const reads = calls
    .filter((call) => call.name === TOOL.readSkillFile)
    .map((call) => pathOf(call) ?? "a file");
  return reads.length > 0
    ? `activated the skill and read ${reads.join(", ")}`
    : "activated the skill but read no reference";
}

function draw(settings: SimRoleSettings, role: string, input: string): boolean {
  return hashUnit(`sim-${role}`, settings.seed, input) < settings.noise;
}

/**
 * The failure diagnoser: recognises the task's family from the task text and "discovers" its rule
 * from the failure, naming the family's label; with probability `noise` (and when no family is
 * recognised) it gives a vague diagnosis whose approach states no rule.
 */
export function simDiagnoseFailure(user: string, settings: SimRoleSettings): DiagnosisReply {
  const sections = promptSections(user, FAILURE_SECTIONS);
  const family = familyOfPrompt(sections.get("Task (id")?.body ?? "");
  const trajectory = readRenderedTrajectory(sections.get("Trajectory")?.body ?? "");
  if (!family || draw(settings, "diagnose", user)) {
    return {
      ...VAGUE_FAILURE,
      cause: `The agent ${readingAccount(trajectory.calls)} and answered ${trajectory.answer || "nothing"}; the trajectory does not show where it went wrong.`,
    };
  }
  const saw = statesRule(family, skillTextRead(trajectory.calls));
  const cause = saw
    ? `The agent ${readingAccount(trajectory.calls)}, which states how to handle this, but it did not apply it: it ${family.mistake} and answered ${trajectory.answer}.`
    : `The agent ${readingAccount(trajectory.calls)}; nothing it read covers this case, so it ${family.mistake} and answered ${trajectory.answer}.`;
  return {
    label: family.label,
    kind: family.kind,
    whatHappened: `The agent ${family.mistake}.`,
    cause,
    correctApproach: family.rule,
    skippedStep: stepFor(family),
  };
}

function stepFor(family: SimFamily): string {
  return `Checking the data for this case before computing (${family.label.toLowerCase()}) and handling it by the rule.`;
}

/**
 * The contrastive diagnoser: the same family detection; the success is robust when the skill text the
 * current attempt read states the family's rule, lucky otherwise. Noise makes it vague and unclear.
 */
export function simDiagnoseContrastive(user: string, settings: SimRoleSettings): DiagnosisReply {
  const sections = promptSections(user, CONTRASTIVE_SECTIONS);
  const family = familyOfPrompt(sections.get("Task (id")?.body ?? "");
  const current = readRenderedTrajectory(sections.get("Current attempt (passed)")?.body ?? "");
  const earlier = readRenderedTrajectory(sections.get("Earlier attempt (failed)")?.body ?? "");
  if (!family || draw(settings, "contrast", user)) {
    return {
      ...VAGUE_SUCCESS,
      cause: `The current attempt answered ${current.answer || "nothing"}; the earlier one answered ${earlier.answer || "nothing"}.`,
      robustness: "unclear",
    };
  }
  // The rendered trajectory clips long results, so a body the agent activated is read in full from
  // the current skill (whose SKILL.md the prompt shows whole).
  const activated = current.calls.some((call) => call.name === TOOL.activateSkill);
  const skillFile = (sections.get("Current skill")?.body ?? "").split("\n### Other files")[0] ?? "";
  const robust = statesRule(family, `${skillTextRead(current.calls)}\n${activated ? skillFile : ""}`);
  return {
    label: family.label,
    kind: family.kind,
    whatHappened: robust
      ? "This time the agent read guidance that states the rule and followed it."
      : `The agent got it right this time, but nothing it read states the rule; it may again do what it did before (it ${family.mistake}).`,
    cause: `The current attempt ${readingAccount(current.calls)} and answered ${current.answer}; the earlier attempt ${readingAccount(earlier.calls)} and answered ${earlier.answer}.`,
    correctApproach: family.rule,
    skippedStep: stepFor(family),
    robustness: robust ? "robust" : "lucky",
  };
}
