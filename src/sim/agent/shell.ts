import type { LanguageModelV3Content } from "@ai-sdk/provider";
import { type AgentSettings, nextMove, type SkillListing } from "./core.js";
import { contextText, type Entry, type OfferedTool, resultOf } from "./transcript.js";

/**
 * The simulated agent in a harness whose only way to act is a shell tool, such as Codex: the tool
 * is recognised by its input schema (a `cmd` string, or a `command`), not its name. The harness
 * lists skills with the path of each SKILL.md ("- name: description (file: r1/name/SKILL.md)" and a
 * table of roots "- `r1` = `/dir`"); the agent reads files with `cat` and answers in plain text.
 */
export interface ShellHarness {
  tool: string;
  /** The input property that takes the command line. */
  argument: "cmd" | "command";
  /** Whether `command` wants an argv array rather than a string. */
  argv: boolean;
}

export function shellHarness(tools: OfferedTool[]): ShellHarness | undefined {
  const cmd = tools.find((tool) => tool.properties.includes("cmd"));
  if (cmd) return { tool: cmd.name, argument: "cmd", argv: false };
  const command = tools.find(
    (tool) => tool.properties.includes("command") && !tool.properties.includes("file_path"),
  );
  if (command) return { tool: command.name, argument: "command", argv: command.types.command === "array" };
  return undefined;
}

interface ListedSkill extends SkillListing {
  /** Absolute path of its SKILL.md, when the listing gives one. */
  file?: string;
}

/** Skills after the harness's "Available skills" heading, their files resolved against its roots. */
export function shellSkillListing(context: string): ListedSkill[] {
  const roots = new Map(
    [...context.matchAll(/^- `(\w+)` = `([^`]+)`$/gm)].map((m) => [m[1] as string, m[2] as string]),
  );
  const lines = context.split("\n");
  const start = lines.findIndex((line) => /available skills/i.test(line));
  if (start < 0) return [];
  const skills: ListedSkill[] = [];
  for (const line of lines.slice(start + 1)) {
    const item = /^- ([A-Za-z0-9][\w:.-]*): (.*?)(?: \(file: (\S+)\))?$/.exec(line);
    if (!item) {
      if (skills.length > 0) break;
      continue;
    }
    const short = item[3];
    let file = short;
    if (short) {
      const [root, ...rest] = short.split("/");
      const base = root ? roots.get(root) : undefined;
      if (base) file = `${base.replace(/\/$/, "")}/${rest.join("/")}`;
    }
    skills.push({ name: item[1] as string, description: item[2] as string, ...(file ? { file } : {}) });
  }
  return skills;
}

/** The task: the user's words before the agent's first move, without the harness's context blocks. */
export function shellTaskText(entries: Entry[]): string {
  const texts: string[] = [];
  for (const entry of entries) {
    if (entry.kind === "call" || entry.kind === "assistant") break;
    if (entry.kind !== "user") continue;
    const text = entry.text
      .replace(/<environment_context>[\s\S]*?<\/environment_context>/g, "")
      .replace(/<INSTRUCTIONS>[\s\S]*?<\/INSTRUCTIONS>/g, "")
      .replace(/^# AGENTS\.md instructions.*$/gm, "")
      .trim();
    if (text) texts.push(text);
  }
  return texts.join("\n");
}

/** A command's output as the harness returned it, without its header ("…Output:\n"). */
export function commandOutput(text: string): string {
  const at = text.indexOf("\nOutput:\n");
  return at >= 0 && at < 400 ? text.slice(at + "\nOutput:\n".length) : text;
}

/** A SKILL.md as a file: its body, without the frontmatter. */
function bodyOf(skillFile: string): string {
  const match = /^---\n[\s\S]*?\n---\n?/.exec(skillFile);
  return match ? skillFile.slice(match[0].length) : skillFile;
}

const quote = (path: string) => `'${path.replaceAll("'", "'\\''")}'`;
const CAT = /^cat '((?:[^']|'\\'')*)'$/;
const WRITE_ANSWER = /write just the final answer[^.]*? to the file (\S+?)(?: in the working directory)?\./i;

export function shellStep(
  entries: Entry[],
  harness: ShellHarness,
  settings: AgentSettings,
): LanguageModelV3Content[] {
  const context = contextText(entries);
  const taskText = shellTaskText(entries);
  const calls = entries.filter((entry): entry is Extract<Entry, { kind: "call" }> => entry.kind === "call");
  const commandOf = (call: Extract<Entry, { kind: "call" }>) => {
    const value = call.input[harness.argument];
    return Array.isArray(value) ? String(value[value.length - 1] ?? "") : String(value ?? "");
  };
  const catOf = (call: Extract<Entry, { kind: "call" }>) =>
    CAT.exec(commandOf(call))?.[1]?.replaceAll("'\\''", "'");
  const outputOf = (call: Extract<Entry, { kind: "call" }>) =>
    commandOutput(resultOf(entries, call.id)?.text ?? "");

  const skills = shellSkillListing(context);
  const skillFiles = new Set(skills.flatMap((skill) => skill.file ?? []));
  const activationCall = calls.find((call) => skillFiles.has(catOf(call) ?? ""));
  const activatedFile = activationCall ? catOf(activationCall) : undefined;
  const skillDir = activatedFile?.replace(/\/SKILL\.md$/, "");
  const fileName = /\b[\w-]+\.csv\b/.exec(taskText)?.[0];
  const dataCall = fileName ? calls.find((call) => catOf(call) === fileName) : undefined;
  const opened = skillDir
    ? calls
        .filter((call) => (catOf(call) ?? "").startsWith(`${skillDir}/`) && call !== activationCall)
        .map((call) => ({ path: (catOf(call) as string).slice(skillDir.length + 1), text: outputOf(call) }))
    : [];

  const move = nextMove(
    {
      taskText,
      noiseKey: taskText,
      skills,
      activationTried: activationCall !== undefined,
      ...(activationCall ? { activation: { body: bodyOf(outputOf(activationCall)) } } : {}),
      ...(dataCall ? { data: outputOf(dataCall) } : {}),
      opened,
    },
    settings,
  );
  const run = (command: string): LanguageModelV3Content[] => [
    {
      type: "tool-call",
      toolCallId: `sim-call-${calls.length + 1}`,
      toolName: harness.tool,
      input: JSON.stringify({ [harness.argument]: harness.argv ? ["bash", "-lc", command] : command }),
    },
  ];
  switch (move.move) {
    case "activate": {
      const file = skills.find((skill) => skill.name === move.skill)?.file;
      return file ? run(`cat ${quote(file)}`) : [{ type: "text", text: "The skill's file is not listed." }];
    }
    case "read-data":
      return run(`cat ${quote(move.file)}`);
    case "read-skill-file":
      return run(`cat ${quote(`${skillDir}/${move.path}`)}`);
    case "answer": {
      const target = WRITE_ANSWER.exec(taskText)?.[1];
      if (!target) return [{ type: "text", text: move.text }];
      const written = calls.some((call) => commandOf(call).includes(`> ${quote(target)}`));
      if (!written) return run(`printf '%s\\n' ${quote(move.text)} > ${quote(target)}`);
      return [{ type: "text", text: `The answer is in ${target}.` }];
    }
  }
}
