import { readFileSync } from "node:fs";

/** The trigger optimizer's roles, each with a markdown system prompt in prompts/ (its first line names the role). */
export const TRIGGER_PROMPTS = { diagnose: "diagnose", patch: "patch" } as const;
export type TriggerPromptName = (typeof TRIGGER_PROMPTS)[keyof typeof TRIGGER_PROMPTS];

const cache = new Map<TriggerPromptName, string>();

export function triggerPrompt(name: TriggerPromptName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`prompts/${name}.md`, import.meta.url), "utf8");
    cache.set(name, text);
  }
  return text;
}

/** The first line of a role's system prompt: how a reader (and the sim model) tells the roles apart. */
export function triggerRoleLine(name: TriggerPromptName): string {
  return triggerPrompt(name).split("\n", 1)[0] ?? "";
}
