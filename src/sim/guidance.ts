import { SIM_FAMILIES, type SimFamily, statesRule } from "../benchmarks/sim/families.js";

/**
 * What the simulated optimizer roles "know" about guidance in the sim world: which family a piece of
 * guidance is about (it states that family's rule), where such guidance belongs in a skill, and how a
 * weakened paraphrase reads. The roles never look a task's family up by its id.
 */

/** The family whose rule a text states, as the simulated executor would recognise it. */
export function familyOfGuidance(text: string): SimFamily | undefined {
  return SIM_FAMILIES.find((family) => statesRule(family, text));
}

/** A pattern slug from a diagnosis label: lowercase words joined by hyphens. */
export function patternSlug(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "pattern"
  );
}

/** The body section workflow guidance goes to, and structural moves put numbered steps into. */
export const WORKFLOW_SECTION = "workflow";

/**
 * Where a family's guidance belongs: workflow rules in the body's workflow section, operation rules
 * in a reference file. Existing anchors win (a reference whose name holds one of the family's topics),
 * so anchors stay stable across iterations.
 */
export function anchorFor(family: SimFamily, kind: string, existingAnchors: string[]): string {
  const workflow = kind === "workflow" || (kind === "mixed" && family.kind === "workflow");
  if (workflow) {
    const section = existingAnchors.find(
      (anchor) => anchor.startsWith("section:") && anchor.includes("workflow"),
    );
    return section ?? `section:${WORKFLOW_SECTION}`;
  }
  const reference = existingAnchors.find(
    (anchor) =>
      anchor.startsWith("references/") && family.topics.some((topic) => fileWords(anchor).includes(topic)),
  );
  return reference ?? `references/${family.referenceFile ?? `${family.topics[0] ?? family.id}s.md`}`;
}

/** The words of a file's name: `references/text-matching.md` → "text matching". */
export function fileWords(path: string): string {
  const name = path.split("/").pop() ?? path;
  return name.replace(/\.md$/, "").replace(/[-_.]+/g, " ");
}

/**
 * The body line that tells the agent when to open a reference. It names the file's own words, which
 * hold a topic of the family it was made for, so the simulated agent opens it for those tasks. It must
 * not start with "- " (the agent takes such lines for the skill's file list).
 */
export function pointerLine(path: string): string {
  return `Read ${path} when a question involves ${fileWords(path)}.`;
}

/** A weakened paraphrase of a rule: names the problem but not the rule itself (none of its cues). */
export function weakenedGuidance(label: string): string {
  return `Watch out for this: ${label.replace(/-/g, " ").toLowerCase()}. Double-check such values before answering.`;
}
