import { existsSync } from "node:fs";
import { join } from "node:path";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { tool, zodSchema } from "ai";
import pLimit from "p-limit";
import { z } from "zod";
import type { TaskResult } from "../../eval/evaluate.js";
import {
  listWorkspaceFiles,
  readWorkspaceFile,
  WorkspacePathError,
} from "../../executor/builtin/workspace-files.js";
import type { Trajectory } from "../../executor/trajectory.js";
import type { HumanNote } from "../../runs/feedback.js";
import type { Skill } from "../../skill/index.js";
import type { Task } from "../../tasks/types.js";
import { runRoleAgent } from "../agent/run-agent.js";
import { ROLE_TOOL, skillTools } from "../agent/skill-tools.js";
import { PROMPTS, renderPrompt } from "../prompts.js";
import { type Diagnosis, diagnosisReply, type MissingDiagnosis, type Signal } from "../records.js";
import { renderSkillOutline, renderTrajectory } from "../render.js";

/** One attempt at a task: its graded result, its trajectory and (when kept) its workspace folder. */
export interface Attempt {
  result: TaskResult;
  trajectory: Trajectory;
  /** Absolute path of the workspace the agent left, when it was kept. */
  workspace?: string;
}

/** One task to diagnose: a failure now, or a success now after an earlier failure (contrastive). */
export interface DiagnoseItem {
  task: Task;
  signal: Signal;
  current: Attempt;
  /** The earlier failed attempt, for a contrastive diagnosis. */
  earlier?: Attempt;
  /** What a person wrote about this task after reviewing an earlier run (optimize --feedback). */
  human?: HumanNote[];
}

/** Shown instead of the grader's feedback, trajectories and workspaces when evidence is withheld (tests only). */
export const WITHHELD = "(withheld)";

/** The heading of the diagnoser's section of human notes (the sim reads it by this name too). */
export const HUMAN_HEADING = "Human feedback";

/**
 * A person's notes on this task, from a report's review mode: shown as human evidence, apart from
 * the grader's feedback, each with the answer the person saw (which may be an earlier one).
 */
function humanSection(item: DiagnoseItem): string[] {
  if (!item.human || item.human.length === 0) return [];
  const lines = item.human.map((note) => {
    const verdict = note.verdict === null ? "gave no verdict" : `marked it ${note.verdict}`;
    const said = note.comment ? ` and wrote: ${JSON.stringify(note.comment)}` : "";
    return `- on the answer ${JSON.stringify(note.answer)} (the grader ${note.graderPass ? "passed" : "failed"} it), the person ${verdict}${said}`;
  });
  return [
    `## ${HUMAN_HEADING} (a person reviewed an earlier run of this task; human evidence, not the grader's)\n\n${lines.join("\n")}`,
  ];
}

export function failurePrompt(item: DiagnoseItem, skill: Skill, withheld = false): string {
  return [
    `## Task (id ${item.task.id})\n\n${item.task.prompt}`,
    `## Grader feedback\n\n${withheld ? WITHHELD : item.current.result.feedback}`,
    `## Trajectory\n\n${withheld ? WITHHELD : renderTrajectory(item.current.trajectory)}`,
    ...humanSection(item),
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
    ...humanSection(item),
    `## Current skill\n\n${renderSkillOutline(skill)}`,
  ].join("\n\n");
}

const attemptInput = z
  .enum(["current", "earlier"])
  .default("current")
  .describe("which attempt (contrastive: earlier = the failed one)");

/** The diagnoser's tools: the whole trajectory, the grader's output, the agent's workspace, the skill. */
export function diagnoserTools(item: DiagnoseItem, skill: Skill, withheld: boolean) {
  const attemptOf = (which: "current" | "earlier") => (which === "earlier" ? item.earlier : item.current);
  const missing = (which: string) => `error: there is no ${which} attempt for this task`;
  return {
    [ROLE_TOOL.readTrajectory]: tool({
      description:
        "Read the agent's whole trajectory: every step's words, tool calls and their full results, then its final answer. Optionally only steps from..to (1-based).",
      inputSchema: zodSchema(
        z.object({
          attempt: attemptInput,
          from_step: z.number().int().positive().optional(),
          to_step: z.number().int().positive().optional(),
        }),
      ),
      execute: async ({ attempt, from_step, to_step }) => {
        if (withheld) return WITHHELD;
        const chosen = attemptOf(attempt);
        if (!chosen) return missing(attempt);
        const steps = chosen.trajectory.steps.filter(
          (step) =>
            step.index + 1 >= (from_step ?? 1) && step.index + 1 <= (to_step ?? Number.POSITIVE_INFINITY),
        );
        return renderTrajectory(
          { ...chosen.trajectory, steps },
          Number.POSITIVE_INFINITY,
          Number.POSITIVE_INFINITY,
        );
      },
    }),
    [ROLE_TOOL.readGraderOutput]: tool({
      description:
        "Read the grader's output for an attempt: pass or fail, score, the answer given, and the feedback.",
      inputSchema: zodSchema(z.object({ attempt: attemptInput })),
      execute: async ({ attempt }) => {
        if (withheld) return WITHHELD;
        const chosen = attemptOf(attempt);
        if (!chosen) return missing(attempt);
        const { result } = chosen;
        return [
          `pass: ${result.pass}`,
          `score: ${result.score}`,
          `outcome: ${result.outcome}${result.error ? ` (${result.error})` : ""}`,
          `answer: ${JSON.stringify(result.answer)}`,
          `feedback: ${result.feedback}`,
        ].join("\n");
      },
    }),
    [ROLE_TOOL.listWorkspaceFiles]: tool({
      description:
        "List the files in the agent's workspace after the attempt (the task's inputs and what it wrote).",
      inputSchema: zodSchema(z.object({ attempt: attemptInput })),
      execute: async ({ attempt }) => {
        if (withheld) return WITHHELD;
        const chosen = attemptOf(attempt);
        if (!chosen) return missing(attempt);
        if (!chosen.workspace || !existsSync(chosen.workspace))
          return "(the workspace of this attempt was not kept)";
        const inputs = new Set(item.task.files.map((file) => file.to));
        const written = new Set(chosen.result.files ?? []);
        const files = await listWorkspaceFiles(chosen.workspace);
        const note = (file: string) =>
          written.has(file)
            ? `${file} (written by the agent)`
            : inputs.has(file)
              ? `${file} (task input)`
              : file;
        return files.map(note).join("\n") || "(no files)";
      },
    }),
    [ROLE_TOOL.readWorkspaceFile]: tool({
      description: "Read a text file from the agent's workspace after the attempt.",
      inputSchema: zodSchema(z.object({ attempt: attemptInput, path: z.string().min(1) })),
      execute: async ({ attempt, path }) => {
        if (withheld) return WITHHELD;
        const chosen = attemptOf(attempt);
        if (!chosen) return missing(attempt);
        if (!chosen.workspace || !existsSync(chosen.workspace))
          return "(the workspace of this attempt was not kept)";
        try {
          return await readWorkspaceFile(chosen.workspace, path, 40_000);
        } catch (error) {
          if (error instanceof WorkspacePathError) return `error: ${error.message}`;
          throw error;
        }
      },
    }),
    ...skillTools(() => skill),
  };
}

export interface DiagnoseOptions {
  model: LanguageModelV3;
  /** The skill version the attempts used (the current one). */
  skill: Skill;
  iteration: number;
  concurrency: number;
  /** Turn limit of each diagnoser session. */
  maxTurns?: number;
  /** Folder for the sessions' transcripts (iterations/NNN/agents). */
  transcriptDir?: string;
  /** For tests only: withhold the grader's feedback, the trajectories and the workspaces. */
  withholdEvidence?: boolean;
}

const safe = (text: string) => text.replace(/[^\w.-]+/g, "_");

/**
 * The per-example gradients: every item diagnosed in parallel, each by a bounded diagnoser agent
 * that ends with a record fitting the diagnosis schema. An item with no usable record is recorded as
 * a missing diagnosis and the others go on.
 */
export async function diagnoseAll(
  items: DiagnoseItem[],
  options: DiagnoseOptions,
): Promise<Array<Diagnosis | MissingDiagnosis>> {
  const limit = pLimit(options.concurrency);
  const withheld = options.withholdEvidence === true;
  return Promise.all(
    items.map((item) =>
      limit(async (): Promise<Diagnosis | MissingDiagnosis> => {
        const contrastive = item.signal === "success";
        const name = `${contrastive ? "contrastive" : "failure"}-${safe(item.task.id)}-r${item.current.result.repeat}`;
        const asked = await runRoleAgent({
          role: "diagnoser",
          name,
          model: options.model,
          system: renderPrompt(contrastive ? PROMPTS.diagnoseContrastive : PROMPTS.diagnoseFailure),
          user: contrastive
            ? contrastivePrompt(item, options.skill, withheld)
            : failurePrompt(item, options.skill, withheld),
          tools: diagnoserTools(item, options.skill, withheld),
          submit: {
            name: ROLE_TOOL.submitDiagnosis,
            description:
              "Submit your diagnosis (ends your turn). It must fit the schema; a record that does not is returned with the error.",
            schema: diagnosisReply,
          },
          maxTurns: options.maxTurns ?? 15,
          ...(options.transcriptDir ? { transcriptPath: join(options.transcriptDir, `${name}.json`) } : {}),
        });
        const where = { taskId: item.task.id, signal: item.signal, iteration: options.iteration };
        if (!asked.ok) return { ...where, missing: asked.error };
        // the notes travel with the diagnosis, marked human, whatever the diagnoser made of them
        const human = item.human && item.human.length > 0 ? { human: item.human } : {};
        return { ...asked.value, ...where, repeat: item.current.result.repeat, ...human };
      }),
    ),
  );
}

export function isMissing(diagnosis: Diagnosis | MissingDiagnosis): diagnosis is MissingDiagnosis {
  return "missing" in diagnosis;
}
