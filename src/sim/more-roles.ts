import { judgeRoleLine } from "../compare/prompts.js";
import { triggerRoleLine } from "../triggers/prompts.js";
import { simJudge } from "./judge.js";
import { simDescriptionPatch, simTriggerDiagnosis } from "./triggers.js";

/**
 * The sim's roles outside the optimizer loop, told apart by their system prompt's first line like
 * the optimizer roles (roles.ts): the blind comparison judge, and the trigger optimizer's diagnoser
 * and description editor. The reply is the JSON text a model
 * would write; undefined for prompts the sim does not play.
 */
export function simMoreRolesReply(system: string, userMessages: string[]): string | undefined {
  const firstLine = system.split("\n", 1)[0] ?? "";
  const user = userMessages[0] ?? "";
  if (firstLine === judgeRoleLine()) return JSON.stringify(simJudge(user));
  if (firstLine === triggerRoleLine("diagnose")) return JSON.stringify(simTriggerDiagnosis(user));
  if (firstLine === triggerRoleLine("patch")) return JSON.stringify(simDescriptionPatch(user));
  return undefined;
}
