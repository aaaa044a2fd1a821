import type { LanguageModelV3 } from "@ai-sdk/provider";
import pLimit from "p-limit";
import type { TaskResult } from "../eval/evaluate.js";
import type { Trajectory } from "../executor/trajectory.js";
import type { Skill } from "../skill/index.js";
import type { Task } from "../tasks/types.js";
import { askStructured } from "./ask.js";
import { PROMPTS, renderPrompt } from "./prompts.js";
import { type Diagnosis, diagnosisReply, type MissingDiagnosis, type Signal } from "./records.js";
import { renderSkillOutline, renderTrajectory } from "./render.js";

export interface Attempt {
  result: TaskResult;
  trajectory: Trajectory;
}

/** One task to diagnose: a failure now, or a success now after an earlier failure (contrastive). */
export interface DiagnoseItem {
  task: Task;
  signal: Signal;
  current: Attempt;
  /** The earlier failed attempt, for a contrastive diagnosis. */
  earlier?: Attempt;
}

/** Shown instead of the grader's feedback and the trajectories when evidence is withheld (tests only). */
export const WITHHELD = "(withheld)";

export function failurePrompt(item: DiagnoseItem, skill: Skill, withheld = false): string {
  return [
    `## Task (id ${item.task.id})\n\n${item.task.prompt}`,
    `## Grader feedback\n\n${withheld ? WITHHELD : item.current.result.feedback}`,
    `## Trajectory\n\n${withheld ? WITHHELD : renderTrajectory(item.current.trajectory)}`,
    `## Skill the agent had\n\n${renderSkillOutline(skill)}`,
  ].join("\n\n");
}

export function contrastivePrompt(item: DiagnoseItem, skill: Skill, withheld = false): string {
  const earlier = item.earlier;
  if (!earlier) throw new Error("a contrastive diagnosis needs the earlier attempt");
  const earlierText = withheld
    ? WITHHELD
    : `Grader feedback: ${earlier.result.feedback}\n\n${renderTrajectory(earlier.trajectory, 8_000)}`;
  return [
    `## Task (id ${item.task.id})\n\n${item.task.prompt}`,
    `## Earlier attempt (failed)\n\n${earlierText}`,
    `## Current attempt (passed)\n\n${withheld ? WITHHELD : renderTrajectory(item.current.trajectory, 8_000)}`,
    `## Current skill\n\n${renderSkillOutline(skill)}`,
  ].join("\n\n");
}

/**
 * The per-example gradients: every item diagnosed in parallel. A reply that never fits the schema
 * (after one retry) is recorded as a missing diagnosis and the others go on.
 */
export async function diagnoseAll(
  items: DiagnoseItem[],
  options: {
    model: LanguageModelV3;
    skill: Skill;
    iteration: number;
    concurrency: number;
    /** For tests only: withhold the grader's feedback and the trajectories from the diagnoser. */
    withholdEvidence?: boolean;
  },
): Promise<Array<Diagnosis | MissingDiagnosis>> {
  const limit = pLimit(options.concurrency);
  return Promise.all(
    items.map((item) =>
      limit(async (): Promise<Diagnosis | MissingDiagnosis> => {
        const contrastive = item.signal === "success";
        const system = renderPrompt(contrastive ? PROMPTS.diagnoseContrastive : PROMPTS.diagnoseFailure);
        const withheld = options.withholdEvidence === true;
        const user = contrastive
          ? contrastivePrompt(item, options.skill, withheld)
          : failurePrompt(item, options.skill, withheld);
        const asked = await askStructured(options.model, system, user, diagnosisReply);
        const where = { taskId: item.task.id, signal: item.signal, iteration: options.iteration };
        if (!asked.ok) return { ...where, missing: asked.error };
        return { ...asked.value, ...where, repeat: item.current.result.repeat };
      }),
    ),
  );
}

export function isMissing(diagnosis: Diagnosis | MissingDiagnosis): diagnosis is MissingDiagnosis {
  return "missing" in diagnosis;
}
