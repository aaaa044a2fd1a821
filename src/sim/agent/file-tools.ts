import type { LanguageModelV3Content } from "@ai-sdk/provider";
import { withoutLineNumbers } from "../../executor/external/steps.js";
import { type AgentSettings, nextMove, type SkillListing } from "./core.js";
import { contextText, type Entry, type OfferedTool, resultOf } from "./transcript.js";

/**
 * The simulated agent in a harness with file tools, such as Claude Code: recognised by the tools'
 * input schemas, not their names — a skill tool (`skill`), a read tool (`file_path`, no content),
 * optionally a write tool (`file_path` and `content`). Skills are listed in the harness's context
 * ("- name: description" lines after "…skills are available…"); activating one shows its body
 * (Claude Code sends it after "Base directory for this skill: DIR"); its files are read from DIR.
 */
export interface FileToolsHarness {
  skill?: string;
  read: string;
  write?: string;
}

export function fileToolsHarness(tools: OfferedTool[]): FileToolsHarness | undefined {
  const has = (tool: OfferedTool, name: string) => tool.properties.includes(name);
  const read = tools.find((t) => has(t, "file_path") && !has(t, "content") && !has(t, "old_string"));
  if (!read) return undefined;
  const skill = tools.find((t) => has(t, "skill"));
  const write = tools.find((t) => has(t, "file_path") && has(t, "content"));
  return {
    read: read.name,
    ...(skill ? { skill: skill.name } : {}),
    ...(write ? { write: write.name } : {}),
  };
}

/** "- name: description" lines after the harness's skills heading; a description may run over lines. */
export function skillListing(context: string): SkillListing[] {
  const lines = context.split("\n");
  const start = lines.findIndex((line) => /skills are available/i.test(line));
  if (start < 0) return [];
  const skills: SkillListing[] = [];
  for (const line of lines.slice(start + 1)) {
    const item = /^- ([A-Za-z0-9][\w:.-]*): (.*)$/.exec(line);
    if (item) skills.push({ name: item[1] as string, description: item[2] as string });
    else if (line.trim() === "" && skills.length > 0) break;
    else if (line.trim() !== "" && skills.length > 0) {
      const last = skills[skills.length - 1] as SkillListing;
      last.description += ` ${line.trim()}`;
    }
  }
  return skills;
}

/** The task: what the user wrote before the agent's first move, without the harness's reminders. */
export function taskTextOf(entries: Entry[]): string {
  const texts: string[] = [];
  for (const entry of entries) {
    if (entry.kind === "call" || entry.kind === "assistant") break;
    if (entry.kind === "user") {
      const text = entry.text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, "").trim();
      if (text) texts.push(text);
    }
  }
  return texts.join("\n");
}

const WRITE_ANSWER = /write just the final answer[^.]*? to the file (\S+?)(?: in the working directory)?\./i;

export function fileToolsStep(
  entries: Entry[],
  harness: FileToolsHarness,
  settings: AgentSettings,
): LanguageModelV3Content[] {
  const context = contextText(entries);
  const taskText = taskTextOf(entries);
  const cwd = /Primary working directory: (\S+)/.exec(context)?.[1] ?? "";
  const inCwd = (file: string) => (cwd ? `${cwd.replace(/\/$/, "")}/${file}` : file);
  const calls = entries.filter((entry): entry is Extract<Entry, { kind: "call" }> => entry.kind === "call");

  const skillCall = harness.skill ? calls.find((call) => call.name === harness.skill) : undefined;
  let activation: { body: string } | undefined;
  let baseDir: string | undefined;
  if (skillCall) {
    const result = resultOf(entries, skillCall.id);
    const at = result ? entries.indexOf(result) : -1;
    const next = at >= 0 ? entries[at + 1] : undefined;
    const loaded =
      next?.kind === "user" && /Base directory for this skill:/.test(next.text) ? next.text : undefined;
    const body = loaded ?? result?.text ?? "";
    baseDir = /Base directory for this skill: (\S+)/.exec(body)?.[1];
    activation = { body };
  }

  const fileName = /\b[\w-]+\.csv\b/.exec(taskText)?.[0];
  const reads = calls.filter((call) => call.name === harness.read);
  const pathOf = (call: Extract<Entry, { kind: "call" }>) => String(call.input.file_path ?? "");
  const dataRead = fileName ? reads.find((call) => pathOf(call).split("/").pop() === fileName) : undefined;
  const opened = baseDir
    ? reads
        .filter((call) => pathOf(call).startsWith(`${baseDir}/`))
        .map((call) => ({
          path: pathOf(call).slice((baseDir as string).length + 1),
          text: withoutLineNumbers(resultOf(entries, call.id)?.text ?? ""),
        }))
    : [];

  const move = nextMove(
    {
      taskText,
      noiseKey: taskText,
      // without a skill tool the harness cannot activate one: the agent works without
      skills: harness.skill ? skillListing(context) : [],
      activationTried: skillCall !== undefined,
      ...(activation ? { activation } : {}),
      ...(dataRead ? { data: withoutLineNumbers(resultOf(entries, dataRead.id)?.text ?? "") } : {}),
      opened,
    },
    settings,
  );
  const call = (toolName: string, input: Record<string, unknown>): LanguageModelV3Content[] => [
    { type: "tool-call", toolCallId: `sim-call-${calls.length + 1}`, toolName, input: JSON.stringify(input) },
  ];
  switch (move.move) {
    case "activate":
      return call(harness.skill as string, { skill: move.skill });
    case "read-data":
      return call(harness.read, { file_path: inCwd(move.file) });
    case "read-skill-file":
      return call(harness.read, { file_path: baseDir ? `${baseDir}/${move.path}` : move.path });
    case "answer": {
      const target = WRITE_ANSWER.exec(taskText)?.[1];
      if (!target || !harness.write) return [{ type: "text", text: move.text }];
      const written = calls.some((c) => c.name === harness.write);
      if (!written) return call(harness.write, { file_path: inCwd(target), content: `${move.text}\n` });
      return [{ type: "text", text: `The answer is in ${target}.` }];
    }
  }
}
