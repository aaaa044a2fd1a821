import { z } from "zod";
import {
  type MomentumReply,
  type Overlay,
  type Pattern,
  patternKind,
  patternMemory,
} from "../optimizer/records.js";
import { anchorFor, familyOfGuidance, patternSlug } from "./guidance.js";
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
  const outline = sections.get("Skill outline")?.body.replace(/^anchors:\s*/, "") ?? "";
  const anchors =
    outline === "(none)"
      ? []
      : outline
          .split(",")
          .map((anchor) => anchor.trim())
          .filter(Boolean);
  return { iteration, memory, diagnoses, anchors };
}

/**
 * The simulated momentum keeper. Merges diagnoses into the memory by label (one label, one pattern),
 * anchors a new pattern where its family's guidance belongs, and writes the overlay: a failure is
 * `add` while its pattern has no remedy yet and `strengthen` once it recurs after a remedy; a success
 * is `preserve` when robust, else `strengthen`. A diagnosis that states no rule is not actionable
 * ("none"). Remedy logs are copied unchanged (skillgrad keeps them).
 */
export function simMomentum(user: string): MomentumReply {
  const { iteration, memory, diagnoses, anchors } = readMomentumPrompt(user);
  const patterns: Pattern[] = structuredClone(memory.patterns);
  const createdNow = new Set<string>();
  const overlay: Overlay = { entries: [], themes: [] };

  for (const diagnosis of diagnoses) {
    const family = familyOfGuidance(diagnosis.correctApproach);
    const direction =
      diagnosis.signal === "failure" ? "add" : diagnosis.robustness === "robust" ? "preserve" : "strengthen";
    if (!family) {
      overlay.entries.push({
        taskId: diagnosis.taskId,
        signal: diagnosis.signal,
        pattern: "none",
        anchor: "none",
        gap: `nothing actionable: "${diagnosis.label}" names no rule`,
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
        anchor: anchorFor(family, diagnosis.kind, [...anchors, ...patterns.map((p) => p.anchor)]),
        description: diagnosis.correctApproach,
        appearances: [],
        latestBehaviour: "",
        remedies: [],
      };
      patterns.push(pattern);
      createdNow.add(slug);
    }
    pattern.description = diagnosis.correctApproach;
    pattern.appearances.push({ iteration, taskId: diagnosis.taskId, signal: diagnosis.signal });
    pattern.latestBehaviour = diagnosis.whatHappened;
    const recurred = diagnosis.signal === "failure" && pattern.remedies.length > 0;
    overlay.entries.push({
      taskId: diagnosis.taskId,
      signal: diagnosis.signal,
      pattern: createdNow.has(slug) ? `new:${slug}` : slug,
      anchor: pattern.anchor,
      gap: gapText(diagnosis.signal, direction, pattern),
      direction: recurred ? "strengthen" : direction,
    });
  }
  overlay.themes = themes(overlay, patterns);
  return { memory: { patterns }, overlay };
}

function gapText(signal: "failure" | "success", direction: string, pattern: Pattern): string {
  if (signal === "success") {
    return direction === "preserve"
      ? `${pattern.anchor} holds guidance that explains this success: ${pattern.description}`
      : `this success is not explained by the guidance at ${pattern.anchor}: ${pattern.description}`;
  }
  return pattern.remedies.length > 0
    ? `recurred after ${pattern.remedies.length} remedies; ${pattern.anchor} must state it plainly: ${pattern.description}`
    : `${pattern.anchor} does not state: ${pattern.description}`;
}

/** Workflow themes: a workflow pattern with at least two successes this iteration (at most three). */
function themes(overlay: Overlay, patterns: Pattern[]): Overlay["themes"] {
  const found: Overlay["themes"] = [];
  for (const pattern of patterns) {
    if (pattern.kind !== "workflow") continue;
    const evidence = overlay.entries
      .filter((entry) => entry.signal === "success" && entry.pattern.replace(/^new:/, "") === pattern.slug)
      .map((entry) => entry.taskId);
    if (evidence.length >= 2) found.push({ theme: pattern.description, evidence });
  }
  return found.slice(0, 3);
}
