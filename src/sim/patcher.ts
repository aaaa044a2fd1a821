import { z } from "zod";
import type { PatchReply } from "../optimizer/patch.js";
import { overlay as overlaySchema, patternKind, patternMemory } from "../optimizer/records.js";
import { hashUnit } from "../util/random.js";
import type { SimRoleSettings } from "./diagnoser.js";
import { anchorFor, familyOfGuidance, patternSlug, WORKFLOW_SECTION, weakenedGuidance } from "./guidance.js";
import { type AnchorWrite, editAt, POINTER_SECTION, pointedTo, pointerEdit } from "./patch-edits.js";
import { jsonBlocks, promptSections, type RenderedSkill, readRenderedSkill } from "./prompt-reading.js";

const SECTIONS = [
  "Current skill",
  "Signals",
  "Rejected edits",
  "Edit budget",
  "Read-back problems after your edits",
];

/** One thing to write: a pattern's rule at its anchor, with the overlay's direction. */
interface Need {
  pattern: string;
  anchor: string;
  rule: string;
  direction: "add" | "strengthen";
  remedies: number;
}

interface Signals {
  needs: Need[];
  /** Anchors whose guidance explains successes: edits there merge instead of replacing. */
  preserved: Set<string>;
  /** Signals with nothing actionable (no rule stated, or no pattern). */
  skipped: number;
}

const shownDiagnosis = z.object({
  signal: z.enum(["failure", "success"]),
  label: z.string(),
  kind: patternKind,
  correctApproach: z.string(),
  robustness: z.enum(["robust", "lucky", "unclear"]).optional(),
});

/**
 * Raw diagnoses (first iteration, or no momentum): the patcher cannot tell a recurring pattern from a
 * new one, so every failure is an `add`. A robust success marks its anchor preserved.
 */
function signalsFromDiagnoses(list: unknown, skill: RenderedSkill): Signals {
  const signals: Signals = { needs: [], preserved: new Set(), skipped: 0 };
  for (const diagnosis of z.array(shownDiagnosis).parse(list)) {
    const family = familyOfGuidance(diagnosis.correctApproach);
    if (!family) {
      signals.skipped++;
      continue;
    }
    const anchor = anchorFor(family, diagnosis.kind, anchorsOf(skill));
    if (diagnosis.signal === "success" && diagnosis.robustness === "robust") signals.preserved.add(anchor);
    else {
      const pattern = patternSlug(diagnosis.label);
      signals.needs.push({ pattern, anchor, rule: diagnosis.correctApproach, direction: "add", remedies: 0 });
    }
  }
  return signals;
}

/**
 * Overlay and memory (with momentum): the overlay says which patterns recur (`strengthen`); an anchor
 * is preserved by a `preserve` entry or by any pattern there that has succeeded before.
 */
function signalsFromOverlay(overlayJson: unknown, memoryJson: unknown): Signals {
  const overlay = overlaySchema.parse(overlayJson);
  const memory = patternMemory.parse(memoryJson);
  const signals: Signals = { needs: [], preserved: new Set(), skipped: 0 };
  for (const pattern of memory.patterns) {
    if (pattern.appearances.some((a) => a.signal === "success")) signals.preserved.add(pattern.anchor);
  }
  for (const entry of overlay.entries) {
    const pattern = memory.patterns.find((p) => p.slug === entry.pattern.replace(/^new:/, ""));
    if (!pattern || entry.anchor === "none" || entry.anchor === "frontmatter:description") {
      signals.skipped++;
    } else if (entry.direction === "preserve") signals.preserved.add(entry.anchor);
    else {
      const { slug: name, description: rule, remedies } = pattern;
      signals.needs.push({
        pattern: name,
        anchor: entry.anchor,
        rule,
        direction: entry.direction,
        remedies: remedies.length,
      });
    }
  }
  return signals;
}

function anchorsOf(skill: RenderedSkill): string[] {
  return [
    ...skill.sections.map((section) => `section:${section.slug}`),
    ...[...skill.files.keys()].filter((path) => path.startsWith("references/")),
  ];
}

/** One need per pattern: the strongest direction and the longest remedy log among its signals. */
function byPattern(needs: Need[]): Need[] {
  const merged = new Map<string, Need>();
  for (const need of needs) {
    const seen = merged.get(need.pattern);
    if (!seen) merged.set(need.pattern, { ...need });
    else {
      if (need.direction === "strengthen") seen.direction = "strengthen";
      seen.remedies = Math.max(seen.remedies, need.remedies);
    }
  }
  // recurring patterns first, so they win the edit budget
  return [...merged.values()].sort(
    (a, b) => Number(b.direction === "strengthen") - Number(a.direction === "strengthen"),
  );
}

type ProposedEdit = PatchReply["edits"][number];

/**
 * The simulated patcher. Designed mechanics (a simulation, so the ablations mean something):
 * (a) with probability `noise` an `add` is written as a weakened paraphrase without the rule's cue;
 *     a `strengthen` (a pattern momentum saw recur) is always written exactly, and after three or more
 *     remedies it becomes a numbered step at the top of the workflow section (a structural move);
 * (b) an edit at an anchor REPLACES what is there, unless the anchor is preserved (a robust success
 *     explained by it), in which case the new text is MERGED with the old.
 * One edit per anchor, at most the budget; a new reference also needs a pointer in the References
 * section, which counts as an anchor. A repair round fixes broken pointers and orphans only.
 */
export function simPatch(user: string, settings: SimRoleSettings): PatchReply {
  const sections = promptSections(user, SECTIONS);
  const skillText = sections.get("Current skill")?.body ?? "";
  const skill = readRenderedSkill(skillText);
  const budget = Number(/at most (\d+) anchors/.exec(sections.get("Edit budget")?.body ?? "")?.[1] ?? 3);
  const signalsText = sections.get("Signals")?.body ?? "";
  const blocks = jsonBlocks(signalsText);
  const signals = signalsText.includes("### Overlay")
    ? signalsFromOverlay(blocks[0], blocks[1])
    : signalsFromDiagnoses(blocks[0] ?? [], skill);

  const problems = sections.get("Read-back problems after your edits");
  if (problems) return repair(problems.body, skill, signals);

  const writes = new Map<string, AnchorWrite & { pattern: string; why: string[] }>();
  const workflowAnchor =
    anchorsOf(skill).find((a) => a.startsWith("section:") && a.includes(WORKFLOW_SECTION)) ??
    `section:${WORKFLOW_SECTION}`;
  for (const need of byPattern(signals.needs)) {
    const structural = need.direction === "strengthen" && need.remedies >= 3;
    const anchor = structural ? workflowAnchor : need.anchor;
    const write = writes.get(anchor) ?? {
      anchor,
      texts: [],
      steps: [],
      merge: signals.preserved.has(anchor),
      pattern: need.pattern,
      why: [],
    };
    writes.set(anchor, write);
    if (structural) {
      write.steps.push(need.rule);
      write.why.push(`${need.pattern} recurred after ${need.remedies} remedies: made it a workflow step`);
    } else if (
      need.direction === "add" &&
      hashUnit("sim-patch", settings.seed, need.pattern, anchor, skillText) < settings.noise
    ) {
      write.texts.push(weakenedGuidance(need.pattern));
      write.why.push(`${need.pattern}: added guidance`);
    } else {
      write.texts.push(need.rule);
      write.why.push(
        `${need.pattern}: ${need.direction === "strengthen" ? "restated the rule exactly" : "added the rule"}`,
      );
    }
  }

  const rejected = rejectedEdits(sections.get("Rejected edits")?.body ?? "");
  const edits: ProposedEdit[] = [];
  const unpointed: string[] = [];
  let pointerPattern = "";
  let overBudget = 0;
  for (const write of writes.values()) {
    const edit = editAt(skill, write);
    if (!edit || rejected.has(canonical(edit))) continue;
    const needsPointer = write.anchor.startsWith("references/") && !pointedTo(skill, write.anchor);
    const cost = 1 + (needsPointer && unpointed.length === 0 ? 1 : 0);
    if (edits.length + (unpointed.length > 0 ? 1 : 0) + cost > budget) {
      overBudget++;
      continue;
    }
    edits.push({ pattern: write.pattern, anchor: write.anchor, why: write.why.join("; "), edit });
    if (needsPointer) {
      unpointed.push(write.anchor);
      pointerPattern ||= write.pattern;
    }
  }
  if (unpointed.length > 0) {
    edits.push({
      pattern: pointerPattern,
      anchor: `section:${POINTER_SECTION}`,
      why: `point the body to ${unpointed.join(", ")}`,
      edit: pointerEdit(skill, unpointed),
    });
  }
  const kept = [...writes.values()].filter((w) => w.merge).map((w) => w.anchor);
  const notes = [
    `Edited ${edits.length} anchor(s)${edits.length > 0 ? `: ${edits.map((e) => e.anchor).join(", ")}` : ""}.`,
    kept.length > 0 ? `Kept the guidance at ${kept.join(", ")} (preserve).` : "",
    signals.skipped > 0 ? `${signals.skipped} signal(s) named no rule to write.` : "",
    overBudget > 0 ? `${overBudget} anchor(s) left for later (edit budget).` : "",
  ];
  return { edits, notes: notes.filter(Boolean).join(" ") };
}

/** A repair round: create the files broken pointers name, point the body to orphaned references. */
function repair(problemsText: string, skill: RenderedSkill, signals: Signals): PatchReply {
  const orphans: string[] = [];
  const edits: ProposedEdit[] = [];
  for (const line of problemsText.split("\n")) {
    const problem = /^- ([^:\s]+)(?::\d+)?: (.*) \[([\w-]+)\]$/.exec(line.trim());
    if (!problem) continue;
    const [, file = "", message = "", code] = problem;
    if (code === "orphan-reference") orphans.push(file);
    const missing =
      code === "broken-pointer" ? /points to (\S+?),? which does not exist/.exec(message)?.[1] : undefined;
    if (missing?.endsWith(".md") && !edits.some((e) => e.anchor === missing)) {
      const rules = signals.needs.filter((need) => need.anchor === missing).map((need) => need.rule);
      const write = { anchor: missing, texts: rules, steps: [], merge: true };
      const edit = editAt(skill, write) ?? { op: "write_file" as const, path: missing, content: "" };
      edits.push({
        pattern: "read-back-repair",
        anchor: missing,
        why: "create the file the body points to",
        edit,
      });
    }
  }
  if (orphans.length > 0) {
    edits.push({
      pattern: "read-back-repair",
      anchor: `section:${POINTER_SECTION}`,
      why: `point the body to ${orphans.join(", ")}`,
      edit: pointerEdit(skill, orphans),
    });
  }
  return { edits, notes: `Repaired ${edits.length} read-back problem(s).` };
}

/** Edits rejected before, so the same edit is not proposed again. */
function rejectedEdits(text: string): Set<string> {
  const list = jsonBlocks(text)[0];
  if (!Array.isArray(list)) return new Set();
  return new Set(list.map((entry) => canonical((entry as { edit?: unknown }).edit)));
}

/** JSON with sorted keys, so equal edits compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
