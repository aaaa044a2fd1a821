import { judgeRoleLine } from "../compare/prompts.js";
import { simJudge } from "./judge.js";

/**
 * The sim's roles outside the optimizer loop, told apart by their system prompt's first line like
 * the optimizer roles (roles.ts): the blind comparison judge. The reply is the JSON text a model
 * would write; undefined for prompts the sim does not play.
 */
export function simMoreRolesReply(system: string, userMessages: string[]): string | undefined {
  const firstLine = system.split("\n", 1)[0] ?? "";
  const user = userMessages[0] ?? "";
  if (firstLine === judgeRoleLine()) return JSON.stringify(simJudge(user));
  return undefined;
}
