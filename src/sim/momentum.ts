import { z } from "zod";
import {
  type MomentumReply,
  type Overlay,
  type Pattern,
  patternKind,
  patternMemory,
} from "../optimizer/records.js";
import { describeRules, mergeRules, patternSlug, referenceFor, rulesIn } from "./patterns.js";
import { jsonBlocks, promptSections } from "./prompt-reading.js";

const SECTIONS = [
  "Iteration",
  "Pattern memory",
  "Diagnoses this iteration",
  "Skill outline",
  "Patches so far",
];

/** A diagnosis as `momentumPrompt` lists it. */
const shownDiagnosis = z.object({
  taskId: z.string(),
  signal: z.enum(["failure", "success"]),
  label: z.string(),
  kind: patternKind,
  whatHappened: z.string(),
  correctApproach: z.string(),
  robustness: z.enum(["robust", "lucky", "unclear"]).optional(),
});

function readMomentumPrompt(user: string) {
  const sections = promptSections(user, SECTIONS);
  const iteration = Number(/\d+/.exec(sections.get("Iteration")?.heading ?? "")?.[0] ?? 1);
  const memory = patternMemory.parse(
    jsonBlocks(sections.get("Pattern memory")?.body ?? "")[0] ?? { patterns: [] },
  );
  const diagnoses = z
    .array(shownDiagnosis)
    .parse(jsonBlocks(sections.get("Diagnoses this iteration")?.body ?? "")[0] ?? []);
  return { iteration, memory, diagnoses };
}

/**
 * The simulated momentum keeper (a simulation). Generic: a pattern is a diagnosis label; its
 * description is the set of rules the diagnoses of that label stated (merged, a later rule replacing
 * an earlier one about the same operation and column); a new pattern is anchored to a reference named
 * from it. Overlay: a failure is `add` until its pattern has a remedy, then `strengthen`; a success is
 * `preserve` when robust, else `strengthen`; a diagnosis stating no rule is not actionable ("none").
 * Remedy logs are copied unchanged (skillgrad keeps them).
 */
export function simMomentum(user: string): MomentumReply {
  const { iteration, memory, diagnoses } = readMomentumPrompt(user);
  const patterns: Pattern[] = structuredClone(memory.patterns);
  const createdNow = new Set<string>();
  const overlay: Overlay = { entries: [], themes: [] };

  for (const diagnosis of diagnoses) {
    const rules = rulesIn(diagnosis.correctApproach);
    const direction =
      diagnosis.signal === "failure" ? "add" : diagnosis.robustness === "robust" ? "preserve" : "strengthen";
    if (rules.length === 0) {
      overlay.entries.push({
        taskId: diagnosis.taskId,
        signal: diagnosis.signal,
        pattern: "none",
        anchor: "none",
        gap: `nothing actionable: "${diagnosis.label}" states no rule`,
        direction,
      });
      continue;
    }
    const slug = patternSlug(diagnosis.label);
    let pattern = patterns.find((p) => p.slug === slug);
    if (!pattern) {
      pattern = {
        slug,
        kind: diagnosis.kind,
        anchor: referenceFor(slug),
        description: describeRules(rules),
        appearances: [],
        latestBehaviour: "",
        remedies: [],
      };
      patterns.push(pattern);
      createdNow.add(slug);
    }
    pattern.description = describeRules(mergeRules(rulesIn(pattern.description), rules));
    pattern.appearances.push({ iteration, taskId: diagnosis.taskId, signal: diagnosis.signal });
    pattern.latestBehaviour = diagnosis.whatHappened;
    const recurred = diagnosis.signal === "failure" && pattern.remedies.length > 0;
    overlay.entries.push({
      taskId: diagnosis.taskId,
      signal: diagnosis.signal,
      pattern: createdNow.has(slug) ? `new:${slug}` : slug,
      anchor: pattern.anchor,
      gap: gapText(diagnosis.signal, direction, pattern, rules),
      direction: recurred ? "strengthen" : direction,
    });
  }
  overlay.themes = themes(patterns);
  return { memory: { patterns }, overlay };
}

function gapText(
  signal: "failure" | "success",
  direction: string,
  pattern: Pattern,
  rules: ReturnType<typeof rulesIn>,
): string {
  const stated = describeRules(rules).replaceAll("\n", "; ");
  if (signal === "success") {
    return direction === "preserve"
      ? `${pattern.anchor} states what explains this success: ${stated}`
      : `this success is not explained by what the agent read: ${stated}`;
  }
  return pattern.remedies.length > 0
    ? `recurred after ${pattern.remedies.length} remedies; the agent must read and apply: ${stated}`
    : `${pattern.anchor} does not state: ${stated}`;
}

/** Workflow themes: a workflow pattern with successes in at least two tasks, counting earlier iterations. */
function themes(patterns: Pattern[]): Overlay["themes"] {
  const found: Overlay["themes"] = [];
  for (const pattern of patterns) {
    if (pattern.kind !== "workflow") continue;
    const evidence = [
      ...new Set(pattern.appearances.filter((a) => a.signal === "success").map((a) => a.taskId)),
    ];
    if (evidence.length >= 2)
      found.push({ theme: pattern.description.split("\n")[0] ?? pattern.slug, evidence });
  }
  return found.slice(0, 3);
}
