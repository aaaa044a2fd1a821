import { ZodError } from "zod";
import { SkillgradError } from "../errors.js";
import { PROMPTS, roleLine } from "../optimizer/prompts.js";
import type { Conversation } from "./conversation.js";
import { type SimRoleSettings, simContrastiveStep, simFailureStep } from "./diagnoser.js";
import { simMomentumStep } from "./momentum.js";
import { simPatchStep } from "./patcher.js";

/** A simulated role's next move: call one of its tools, or (a model without tools) reply in text. */
export type SimStep = { tool: string; input: Record<string, unknown> } | { text: string };

type RoleStep = (conversation: Conversation, settings: SimRoleSettings) => SimStep;

const ROLES: Array<[keyof typeof PROMPTS, RoleStep]> = [
  ["diagnoseFailure", simFailureStep],
  ["diagnoseContrastive", simContrastiveStep],
  ["momentum", simMomentumStep],
  ["patch", simPatchStep],
];

/**
 * The optimizer role a system prompt asks for, told by its first line (the prompt templates' role
 * line), and the simulated role's next step; undefined for other prompts. Each role reads its prompt
 * (the first user message) and the results of the tools it called, and nothing else.
 */
export function simRoleStep(conversation: Conversation, settings: SimRoleSettings): SimStep | undefined {
  const firstLine = conversation.system.split("\n", 1)[0] ?? "";
  const role = ROLES.find(([name]) => roleLine(PROMPTS[name]) === firstLine);
  if (!role) return undefined;
  try {
    return role[1](conversation, settings);
  } catch (error) {
    // The prompt's JSON blocks did not parse or fit: the prompt format and the simulation disagree.
    if (error instanceof ZodError || error instanceof SyntaxError) {
      const detail = error instanceof ZodError ? (error.issues[0]?.message ?? "invalid") : error.message;
      throw new SkillgradError(
        `the sim model could not read the ${PROMPTS[role[0]]} prompt (${detail}); src/sim must follow the optimizer's prompt format`,
      );
    }
    throw error;
  }
}
