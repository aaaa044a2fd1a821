import { z } from "zod";
import type { HumanNote } from "../runs/feedback.js";

/**
 * The plain records that flow between the optimizer's stages (all JSON, all validated with zod):
 * diagnoses (textual gradients) → pattern memory + overlay (momentum) → edits (the step).
 */

export const patternKind = z.enum(["operation", "workflow", "mixed"]);

/** A label names a class of problem: 3–6 words, no task-specific values. */
const label = z
  .string()
  .trim()
  .refine((text) => {
    const words = text.split(/\s+/).length;
    return words >= 2 && words <= 8;
  }, "the label must be a short generic phrase of 3 to 6 words")
  .refine((text) => !/\d{2,}/.test(text), "the label must not contain task-specific numbers");

/** What the diagnoser returns for one task (before skillgrad adds the task id and signal). */
export const diagnosisReply = z.object({
  label,
  kind: patternKind,
  /** Failure: what went wrong. Contrastive: what made the difference this time. */
  whatHappened: z.string().min(1),
  /** Where in the trajectory it went wrong (or right): the step and the evidence. */
  cause: z.string().min(1),
  correctApproach: z.string().min(1),
  /** The reasoning step the agent skipped (or, contrastive: the step it now took). */
  skippedStep: z.string().min(1),
  /** Contrastive only: does the success look robust or lucky? */
  robustness: z.enum(["robust", "lucky", "unclear"]).optional(),
});
export type DiagnosisReply = z.infer<typeof diagnosisReply>;

export type Signal = "failure" | "success";

export interface Diagnosis extends DiagnosisReply {
  taskId: string;
  repeat: number;
  /** failure: the task failed now; success: it failed under an earlier version and passes now. */
  signal: Signal;
  iteration: number;
  /** Notes a person wrote on an earlier run of this task (optimize --feedback), given to the diagnoser as human evidence. */
  human?: HumanNote[];
}

/** A diagnosis that could not be had (the model's reply never fit the schema). */
export interface MissingDiagnosis {
  taskId: string;
  signal: Signal;
  iteration: number;
  missing: string;
}

/** Where one edit goes: a body section (by slug), a reference file, or the description. */
export const anchor = z
  .string()
  .trim()
  .regex(/^(section:[a-z0-9-]+|references\/[\w./-]+\.md|frontmatter:description)$/, {
    message: 'anchor must be "section:<slug>", "references/<file>.md" or "frontmatter:description"',
  });

/**
 * Where a pattern lives: a section, a file, both ("section:<slug> + references/<file>.md"), the
 * description, or "undecided" while it is not yet clear.
 */
export const patternAnchor = z
  .string()
  .trim()
  .regex(
    /^(undecided|frontmatter:description|section:[a-z0-9-]+|references\/[\w./-]+\.md|section:[a-z0-9-]+ \+ references\/[\w./-]+\.md)$/,
    {
      message:
        'anchor must be "section:<slug>", "references/<file>.md", "section:<slug> + references/<file>.md", "frontmatter:description" or "undecided"',
    },
  );

/** The concrete places a pattern anchor names (none for "undecided"). */
export function anchorPlaces(value: string): string[] {
  return value === "undecided" ? [] : value.split(" + ").map((part) => part.trim());
}

export const remedy = z.object({ iteration: z.number().int(), diagnosis: z.string(), patch: z.string() });

export const pattern = z.object({
  slug: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "slug: lowercase words joined by hyphens"),
  kind: patternKind,
  anchor: patternAnchor,
  /** Rewritten in place as the pattern is understood better. */
  description: z.string().min(1),
  appearances: z.array(
    z.object({ iteration: z.number().int(), taskId: z.string(), signal: z.enum(["failure", "success"]) }),
  ),
  /** What the executor did the last time this pattern showed. */
  latestBehaviour: z.string(),
  /** The current best prescriptive action for the executor: what it should do when this pattern applies. */
  action: z.string().default(""),
  /** Append-only: what was tried for this pattern, iteration by iteration. */
  remedies: z.array(remedy),
});
export type Pattern = z.infer<typeof pattern>;

export const patternMemory = z.object({ patterns: z.array(pattern) });
export type PatternMemory = z.infer<typeof patternMemory>;

export const overlayEntry = z.object({
  taskId: z.string(),
  signal: z.enum(["failure", "success"]),
  /** A memory slug, "new:<slug>" for a pattern seen first now, or "none" when nothing is actionable. */
  pattern: z.string(),
  anchor: patternAnchor.or(z.literal("none")),
  /** The gap between what the skill says at the anchor and what the task needed. */
  gap: z.string(),
  direction: z.enum(["add", "strengthen", "preserve"]),
  /** The change proposed, in prose (the patcher decides the edit). */
  change: z.string().default(""),
  /** A structural move proposed: fan content out into a new reference, or merge sections. */
  structure: z.enum(["none", "fan-out", "merge"]).default("none"),
});

export const overlay = z.object({
  entries: z.array(overlayEntry),
  /** At most three workflow themes, each backed by repeated success evidence (earlier iterations count). */
  themes: z
    .array(
      z.object({
        theme: z.string(),
        evidence: z.array(z.string()).min(2, "a theme needs at least two tasks as evidence"),
      }),
    )
    .max(3),
});
export type Overlay = z.infer<typeof overlay>;

/** What the momentum role returns: the updated memory and this iteration's overlay. */
export const momentumReply = z.object({ memory: patternMemory, overlay });
export type MomentumReply = z.infer<typeof momentumReply>;
