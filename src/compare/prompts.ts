import { readFileSync } from "node:fs";

let judgeText: string | undefined;

/** The blind judge's system prompt (prompts/judge.md). */
export function judgeSystemPrompt(): string {
  judgeText ??= readFileSync(new URL("prompts/judge.md", import.meta.url), "utf8");
  return judgeText;
}

/** Its first line: how a reader (and the sim model) tells the judge's prompt from others. */
export function judgeRoleLine(): string {
  return judgeSystemPrompt().split("\n", 1)[0] ?? "";
}
