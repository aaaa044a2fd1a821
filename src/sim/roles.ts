import { ZodError } from "zod";
import { SkillgradError } from "../errors.js";
import { PROMPTS, roleLine } from "../optimizer/prompts.js";
import { type SimRoleSettings, simDiagnoseContrastive, simDiagnoseFailure } from "./diagnoser.js";
import { simMomentum } from "./momentum.js";
import { simPatch } from "./patcher.js";

type RoleReply = (user: string, settings: SimRoleSettings) => unknown;

const ROLES: Array<[keyof typeof PROMPTS, RoleReply]> = [
  ["diagnoseFailure", simDiagnoseFailure],
  ["diagnoseContrastive", simDiagnoseContrastive],
  ["momentum", (user) => simMomentum(user)],
  ["patch", simPatch],
];

/**
 * The optimizer role a system prompt asks for, told by its first line (the prompt templates' role
 * line), and the simulated reply to it as the JSON text a model would write; undefined for other prompts.
 * Only the first user message is read: a retry after an unusable reply gets the same answer.
 */
export function simRoleReply(
  system: string,
  userMessages: string[],
  settings: SimRoleSettings,
): string | undefined {
  const firstLine = system.split("\n", 1)[0] ?? "";
  const role = ROLES.find(([name]) => roleLine(PROMPTS[name]) === firstLine);
  if (!role) return undefined;
  try {
    return JSON.stringify(role[1](userMessages[0] ?? "", settings));
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
