import { join } from "node:path";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { tool, zodSchema } from "ai";
import { z } from "zod";
import {
  applyEdit,
  checkStructure,
  loadSkill,
  referencePointers,
  type Skill,
  type SkillEdit,
  type SkillProblem,
  skillEditSchema,
  validateSkill,
} from "../../skill/index.js";
import { runRoleAgent } from "../agent/run-agent.js";
import { ROLE_TOOL, skillFileList, skillTools } from "../agent/skill-tools.js";
import { PROMPTS, renderPrompt } from "../prompts.js";
import { anchor, type Diagnosis, type Overlay, type PatternMemory } from "../records.js";
import { diagnosesForPrompt, jsonBlock } from "../render.js";

export const proposedEdit = z.object({
  pattern: z.string().min(1),
  anchor,
  why: z.string().default(""),
  edit: skillEditSchema,
});
export type ProposedEdit = z.infer<typeof proposedEdit>;

/** The layer rules the patcher checks its own work against after editing (its self-review). */
export const LAYER_RULES = [
  "description: one short sentence (at most 50 words, 1024 characters)",
  "body sections: a small generic example each, and one pitfalls section, not several",
  "references and scripts: actionable (runnable code or an exact procedure), say when to use them and how to check the result",
  "pointers: every pointer says when to read the file and when to skip it",
  "options: 2-3 options were weighed before editing",
  "lists: no list grew by appending without consolidating",
  "body: nothing specific to one task",
] as const;

/** What the patcher submits at the end of a session: its reasoning, its self-review, and any edits left to apply. */
export const patchRecord = z.object({
  /** The 2–3 options weighed before editing, and which was chosen. */
  options: z.array(z.string()).max(3).default([]),
  /** The self-review after editing, one entry per layer rule. */
  review: z.array(z.object({ rule: z.string(), ok: z.boolean(), note: z.string().default("") })).default([]),
  /** Edits to apply (a model that does not call apply_edit gives them here). */
  edits: z.array(proposedEdit).default([]),
  notes: z.string().default(""),
});
/** The record as the previous single-call patcher replied it (edits and notes): still accepted. */
export const patchReply = patchRecord;
export type PatchReply = z.infer<typeof patchRecord>;

/**
 * What the patcher acts on: the raw diagnoses always (a backstop for what the overlay compresses
 * away), with the overlay and pattern memory when momentum is on (from the second iteration).
 */
export interface PatchSignals {
  diagnoses: Diagnosis[];
  overlay?: Overlay;
  memory?: PatternMemory;
}

export interface RejectedEdit {
  iteration: number;
  pattern: string;
  anchor: string;
  edit: SkillEdit;
  reason: string;
}

export interface PatchOutcome {
  applied: ProposedEdit[];
  refused: Array<{ edit: ProposedEdit; reason: string }>;
  /** Read-back problems left after the repair rounds (empty when the patch is kept). */
  problems: SkillProblem[];
  repairRounds: number;
  /** The patch failed its read-back checks even after repairs, so nothing of it is kept. */
  rolledBack: boolean;
  notes: string;
  /** The options the patcher weighed and its self-review against the layer rules. */
  options: string[];
  review: PatchReply["review"];
  /** Layer-rule findings of a light programmatic look at the result (advice; they block nothing). */
  layerNotes: string[];
}

function signalsText(signals: PatchSignals): string {
  const parts = [`### Diagnoses\n\n${jsonBlock(diagnosesForPrompt(signals.diagnoses))}`];
  if (signals.overlay) parts.push(`### Overlay\n\n${jsonBlock(signals.overlay)}`);
  if (signals.memory) parts.push(`### Pattern memory\n\n${jsonBlock(signals.memory)}`);
  return parts.join("\n\n");
}

/** The skill as the patcher first sees it: SKILL.md whole, the list of files, the anchors. */
export function renderSkillForPatcher(skill: Skill): string {
  const sections = skill.sections.map((s) => `section:${s.slug} (## ${s.heading})`).join(", ") || "(none)";
  return [
    `### ${skill.skillFile}\n\n${skill.source.trim()}`,
    `### Files\n${skillFileList(skill)}`,
    `### Anchors\nbody sections: ${sections}`,
  ].join("\n\n");
}

export function patchPrompt(
  skill: Skill,
  signals: PatchSignals,
  rejected: RejectedEdit[],
  maxAnchors: number,
): string {
  return [
    `## Current skill\n\n${renderSkillForPatcher(skill)}`,
    `## Signals\n\n${signalsText(signals)}`,
    `## Rejected edits\n\n${rejected.length > 0 ? jsonBlock(rejected) : "(none)"}`,
    `## Edit budget\n\nat most ${maxAnchors} anchors`,
  ].join("\n\n");
}

/** Problems that make a patched skill unfit to keep: errors, and reference files nothing points to. */
export function blockingProblems(skill: Skill): SkillProblem[] {
  return [...validateSkill(skill, { strict: false }), ...checkStructure(skill)].filter(
    (problem) => problem.severity === "error" || problem.code === "orphan-reference",
  );
}

/** A light programmatic look at the layer rules (advice for the record; the patch is not judged by it). */
export function layerNotes(skill: Skill): string[] {
  const notes: string[] = [];
  const words = skill.description.trim().split(/\s+/).filter(Boolean).length;
  if (words > 50) notes.push(`the description has ${words} words (the rule: at most 50)`);
  const pitfalls = skill.sections.filter((s) => /pitfall/i.test(s.heading));
  if (pitfalls.length > 1) notes.push(`${pitfalls.length} pitfalls sections (the rule: one)`);
  for (const pointer of referencePointers(skill)) {
    const line = skill.body.split("\n")[pointer.line - skill.bodyStartLine] ?? "";
    if (!/\b(when|if|before|after)\b/i.test(line))
      notes.push(`the pointer to ${pointer.path} does not say when to read it`);
  }
  return notes;
}

/** The file an edit writes, for the read-before-write rule (SKILL.md for body and description edits). */
function fileOf(skill: Skill, edit: SkillEdit): string {
  switch (edit.op) {
    case "write_file":
    case "replace_text":
    case "delete_file":
      return edit.path.replace(/^\.\//, "");
    case "create_reference":
      return `references/${edit.name}`;
    default:
      return skill.skillFile;
  }
}

/** One edit per anchor and at most `maxAnchors` anchors (none when the budget is unlimited). */
class EditBudget {
  private readonly anchors = new Set<string>();
  constructor(private readonly maxAnchors: number) {}
  refusal(edit: ProposedEdit): string | undefined {
    if (this.anchors.has(edit.anchor)) return `a second edit at ${edit.anchor}: one edit per anchor`;
    if (this.anchors.size >= this.maxAnchors) return `over the edit budget of ${this.maxAnchors} anchors`;
    return undefined;
  }
  take(edit: ProposedEdit): void {
    this.anchors.add(edit.anchor);
  }
}

/** Edits applied in order under a budget; what is refused is kept with its reason. */
async function applyProposed(
  dir: string,
  edit: ProposedEdit,
  budget: EditBudget,
  outcome: PatchOutcome,
): Promise<string> {
  const over = budget.refusal(edit);
  if (over) {
    outcome.refused.push({ edit, reason: over });
    return `refused: ${over}`;
  }
  const result = await applyEdit(dir, edit.edit as SkillEdit);
  if (!result.ok) {
    outcome.refused.push({ edit, reason: result.reason });
    return `refused: ${result.reason}`;
  }
  budget.take(edit);
  outcome.applied.push(edit);
  return `applied ${edit.edit.op} at ${edit.anchor}`;
}

function patcherTools(dir: string, budget: EditBudget, outcome: PatchOutcome, shown: Set<string>) {
  const read = new Set<string>(shown);
  return {
    ...skillTools(
      () => loadSkill(dir),
      (path) => read.add(path),
    ),
    [ROLE_TOOL.applyEdit]: tool({
      description:
        "Apply one edit operation to the skill (confined to the skill folder). Read a file before you edit it. One edit per anchor, within the edit budget.",
      inputSchema: zodSchema(proposedEdit),
      execute: async (input) => {
        const skill = await loadSkill(dir);
        const file = fileOf(skill, input.edit as SkillEdit);
        const exists = file === skill.skillFile || skill.resources.some((r) => r.path === file);
        if (exists && !read.has(file)) {
          return `refused: read ${file} first (${ROLE_TOOL.readSkillFile}); edit only what you have read`;
        }
        const answer = await applyProposed(dir, input, budget, outcome);
        read.add(file);
        return answer;
      },
    }),
    [ROLE_TOOL.checkSkill]: tool({
      description:
        "Check the skill as your edits left it: read-back problems (which roll the patch back) and layer-rule notes.",
      inputSchema: zodSchema(z.object({})),
      execute: async () => {
        const skill = await loadSkill(dir);
        const problems = blockingProblems(skill).map(
          (p) => `- ${p.file}${p.line ? `:${p.line}` : ""}: ${p.message} [${p.code}]`,
        );
        const notes = layerNotes(skill).map((note) => `- ${note}`);
        return [
          problems.length > 0 ? `Problems:\n${problems.join("\n")}` : "No read-back problems.",
          notes.length > 0 ? `Layer notes:\n${notes.join("\n")}` : "No layer notes.",
        ].join("\n");
      },
    }),
  };
}

export interface PatchOptions {
  model: LanguageModelV3;
  /** The working copy of the skill to edit (a new version's folder). */
  dir: string;
  signals: PatchSignals;
  rejected: RejectedEdit[];
  maxAnchors: number;
  repairRounds: number;
  /** Turn limit of each patcher session. */
  maxTurns?: number;
  /** Folder for the sessions' transcripts (iterations/NNN/agents). */
  transcriptDir?: string;
  /** Names the transcripts (e.g. the iteration). */
  name?: string;
}

/**
 * The update step, by a bounded patcher agent: it reads the skill through its tools, edits it only
 * through the skill module's confined edit operations (apply_edit, or the edits of its final record),
 * and ends with a record of the options it weighed and its self-review. The result is read back; the
 * patcher gets a bounded number of repair sessions for what the checks find. A patch that still fails
 * is marked rolled back; the caller then discards `dir`.
 */
export async function patchSkill(options: PatchOptions): Promise<PatchOutcome> {
  const outcome: PatchOutcome = {
    applied: [],
    refused: [],
    problems: [],
    repairRounds: 0,
    rolledBack: false,
    notes: "",
    options: [],
    review: [],
    layerNotes: [],
  };
  const system = renderPrompt(PROMPTS.patch, {
    maxAnchors: options.maxAnchors,
    layerRules: LAYER_RULES.map((r) => `- ${r}`).join("\n"),
  });
  const name = options.name ?? "patch";
  const session = async (user: string, budget: EditBudget, label: string) => {
    const skill = await loadSkill(options.dir);
    const asked = await runRoleAgent({
      role: "patcher",
      name: label,
      model: options.model,
      system,
      user,
      tools: patcherTools(options.dir, budget, outcome, new Set([skill.skillFile])),
      submit: {
        name: ROLE_TOOL.submitPatch,
        description:
          "Submit the end of your step: the options you weighed, your self-review against the layer rules, notes, and any edits not yet applied (ends your turn).",
        schema: patchRecord,
      },
      maxTurns: options.maxTurns ?? 20,
      ...(options.transcriptDir ? { transcriptPath: join(options.transcriptDir, `${label}.json`) } : {}),
    });
    if (!asked.ok) return asked;
    for (const edit of asked.value.edits) await applyProposed(options.dir, edit, budget, outcome);
    return asked;
  };

  const first = await session(
    patchPrompt(await loadSkill(options.dir), options.signals, options.rejected, options.maxAnchors),
    new EditBudget(options.maxAnchors),
    name,
  );
  if (first.ok) {
    outcome.notes = first.value.notes;
    outcome.options = first.value.options;
    outcome.review = first.value.review;
  } else outcome.notes = `the patcher's reply was unusable: ${first.error}`;

  let problems = blockingProblems(await loadSkill(options.dir));
  while (first.ok && problems.length > 0 && outcome.repairRounds < options.repairRounds) {
    outcome.repairRounds++;
    const skill = await loadSkill(options.dir);
    await session(
      [
        patchPrompt(skill, options.signals, options.rejected, options.maxAnchors),
        `## Read-back problems after your edits\n\nYour edits were applied; the skill now has these problems. Fix them (and nothing else):\n${problems.map((p) => `- ${p.file}${p.line ? `:${p.line}` : ""}: ${p.message} [${p.code}]`).join("\n")}`,
      ].join("\n\n"),
      new EditBudget(Number.POSITIVE_INFINITY),
      `${name}-repair-${outcome.repairRounds}`,
    );
    problems = blockingProblems(await loadSkill(options.dir));
  }
  outcome.problems = problems;
  outcome.rolledBack = problems.length > 0;
  outcome.layerNotes = layerNotes(await loadSkill(options.dir));
  return outcome;
}
