import { join } from "node:path";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { Skill } from "../../skill/index.js";
import { runRoleAgent } from "../agent/run-agent.js";
import { ROLE_TOOL, skillFileList, skillTools } from "../agent/skill-tools.js";
import { PROMPTS, renderPrompt } from "../prompts.js";
import { type Diagnosis, type MomentumReply, momentumReply, type PatternMemory } from "../records.js";
import { diagnosesForPrompt, jsonBlock } from "../render.js";

export const EMPTY_MEMORY: PatternMemory = { patterns: [] };

/** What the patcher did in one iteration, as the momentum keeper and later patchers see it. */
export interface PatchSummary {
  iteration: number;
  notes: string;
  edits: Array<{ pattern: string; anchor: string; why: string; op: string }>;
}

export function skillAnchors(skill: Skill): string[] {
  return [
    ...skill.sections.map((section) => `section:${section.slug}`),
    ...skill.resources.filter((r) => r.path.startsWith("references/")).map((r) => r.path),
  ];
}

export interface MomentumInput {
  iteration: number;
  memory: PatternMemory;
  diagnoses: Diagnosis[];
  skill: Skill;
  patches: PatchSummary[];
}

export function momentumPrompt(input: MomentumInput): string {
  return [
    `## Iteration ${input.iteration}`,
    `## Pattern memory\n\n${jsonBlock(input.memory)}`,
    `## Diagnoses this iteration\n\n${jsonBlock(diagnosesForPrompt(input.diagnoses))}`,
    `## Skill outline\n\nanchors: ${skillAnchors(input.skill).join(", ") || "(none)"}\n\nfiles:\n${skillFileList(input.skill)}`,
    `## Patches so far\n\n${input.patches.length > 0 ? jsonBlock(input.patches) : "(none yet)"}`,
  ].join("\n\n");
}

/**
 * Keeps the remedy logs append-only whatever the model wrote: a surviving pattern keeps every
 * earlier remedy, in order, ahead of anything new.
 */
export function keepRemedies(before: PatternMemory, after: PatternMemory): PatternMemory {
  const earlier = new Map(before.patterns.map((p) => [p.slug, p.remedies]));
  return {
    patterns: after.patterns.map((p) => {
      const old = earlier.get(p.slug) ?? [];
      const added = p.remedies
        .slice(old.length)
        .filter((r) => !old.some((o) => JSON.stringify(o) === JSON.stringify(r)));
      return { ...p, remedies: [...old, ...added] };
    }),
  };
}

/** A pattern name as an edit gives it ("new:<slug>", a label, a slug) reduced to a slug. */
export function patternKey(name: string): string {
  return name
    .replace(/^new:/, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * Appends an ACCEPTED patch to the remedy log of each pattern one of its edits served (the edit
 * names the pattern), naming the labels of the iteration's diagnoses that belong to the pattern. An
 * edit at an anchor shared by several patterns credits only the pattern it names. Recording the same
 * iteration twice (a resumed run) changes nothing. The caller records only patches the gate kept.
 */
export function recordRemedies(
  memory: PatternMemory,
  patch: PatchSummary,
  diagnoses: Diagnosis[] = [],
): PatternMemory {
  return {
    patterns: memory.patterns.map((p) => {
      if (p.remedies.some((r) => r.iteration === patch.iteration)) return p;
      const edits = patch.edits.filter((e) => patternKey(e.pattern) === p.slug);
      if (edits.length === 0) return p;
      const tasks = new Set(
        p.appearances.filter((a) => a.iteration === patch.iteration).map((a) => a.taskId),
      );
      const labels = [...new Set(diagnoses.filter((d) => tasks.has(d.taskId)).map((d) => d.label))];
      const remedy = {
        iteration: patch.iteration,
        diagnosis: labels.join("; ") || p.description.slice(0, 80),
        patch: edits.map((e) => `${e.op} at ${e.anchor}: ${e.why}`).join("; "),
      };
      return { ...p, remedies: [...p.remedies, remedy] };
    }),
  };
}

export type MomentumOutcome = { ok: true; value: MomentumReply } | { ok: false; error: string };

/**
 * One momentum step by a bounded agent that can read every file of the skill: the memory merged with
 * this iteration's diagnoses, and the overlay.
 */
export async function updateMomentum(
  model: LanguageModelV3,
  input: MomentumInput,
  options: { maxTurns?: number; transcriptDir?: string } = {},
): Promise<MomentumOutcome> {
  const name = `momentum-${String(input.iteration).padStart(3, "0")}`;
  const asked = await runRoleAgent({
    role: "momentum",
    name,
    model,
    system: renderPrompt(PROMPTS.momentum),
    user: momentumPrompt(input),
    tools: skillTools(() => input.skill),
    submit: {
      name: ROLE_TOOL.submitMomentum,
      description: "Submit the updated pattern memory and this iteration's overlay (ends your turn).",
      schema: momentumReply,
    },
    maxTurns: options.maxTurns ?? 15,
    ...(options.transcriptDir ? { transcriptPath: join(options.transcriptDir, `${name}.json`) } : {}),
  });
  if (!asked.ok) return { ok: false, error: asked.error };
  return {
    ok: true,
    value: { memory: keepRemedies(input.memory, asked.value.memory), overlay: asked.value.overlay },
  };
}
