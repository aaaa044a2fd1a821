import { parseSections } from "../skill/sections.js";
import type { SkillSection } from "../skill/types.js";

/**
 * How the simulated optimizer roles read the optimizer's user messages: `## ` sections named by the
 * caller, ```json blocks, the rendered trajectory and the rendered skill (see src/optimizer/render.ts).
 */

export interface PromptSection {
  /** The whole heading line without "## ", e.g. "Task (id sim-001)". */
  heading: string;
  body: string;
}

/**
 * Finds the given sections by heading prefix, in the order they appear in the prompt. Searched from
 * the end backwards, each before the one after it, so a skill or trajectory quoted inside an earlier
 * section cannot be taken for a later heading. Sections not present are left out.
 */
export function promptSections(text: string, headingPrefixes: string[]): Map<string, PromptSection> {
  const found = new Map<string, PromptSection>();
  let end = text.length;
  for (const prefix of [...headingPrefixes].reverse()) {
    const marker = `## ${prefix}`;
    let at = text.lastIndexOf(`\n${marker}`, end - 1);
    if (at >= 0) at += 1;
    else if (text.startsWith(marker) && end > 0) at = 0;
    if (at < 0) continue;
    const lineEnd = text.indexOf("\n", at);
    const headingEnd = lineEnd < 0 || lineEnd > end ? end : lineEnd;
    found.set(prefix, {
      heading: text.slice(at + 3, headingEnd).trim(),
      body: text.slice(headingEnd, end).trim(),
    });
    end = at;
  }
  return found;
}

/** Every ```json block in a text, parsed, in order. */
export function jsonBlocks(text: string): unknown[] {
  return [...text.matchAll(/```json\n([\s\S]*?)\n```/g)].map((match) => JSON.parse(match[1] ?? "null"));
}

export interface RenderedCall {
  name: string;
  input: string;
  output: string;
}

/** A trajectory as `renderTrajectory` shows it: the tool calls with their results, and the final answer. */
export function readRenderedTrajectory(text: string): { calls: RenderedCall[]; answer: string } {
  const calls: RenderedCall[] = [];
  let answer = "";
  let current: RenderedCall | undefined;
  for (const line of text.split("\n")) {
    const call = /^step \d+ calls (\S+) ?(.*)$/.exec(line);
    if (call) {
      current = { name: call[1] ?? "", input: call[2] ?? "", output: "" };
      calls.push(current);
    } else if (line.startsWith("  → ") && current) current.output = line.slice(4);
    else if (line.startsWith("    ") && current) current.output += `\n${line.slice(4)}`;
    else if (line.startsWith("final answer: ")) answer = line.slice("final answer: ".length);
    else if (!line.startsWith(" ")) current = undefined;
  }
  return { calls, answer };
}

/** The `path` a rendered tool call asked for, if its input shows one. */
export function pathOf(call: RenderedCall): string | undefined {
  return /"path":"([^"]+)"/.exec(call.input)?.[1];
}

export interface RenderedSkill {
  skillFile: string;
  source: string;
  /** SKILL.md's body (after the frontmatter) and its `##` sections. */
  body: string;
  sections: SkillSection[];
  /** Text files other than SKILL.md, by path. */
  files: Map<string, string>;
}

/** A file header of `renderSkillFiles`/`renderSkillOutline`: a path, never a heading with spaces. */
const FILE_HEADER = /^### ((?:SKILL|skill)\.md|[\w.-]+\/[\w./-]+)$/;

/** The skill as `renderSkillFiles` shows it: SKILL.md and every text file whole. */
export function readRenderedSkill(text: string): RenderedSkill {
  const anchorsAt = text.lastIndexOf("\n### Anchors");
  const files = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (name !== undefined) files.set(name, lines.join("\n").trim());
  };
  for (const line of (anchorsAt >= 0 ? text.slice(0, anchorsAt) : text).split("\n")) {
    const header = FILE_HEADER.exec(line);
    if (header) {
      flush();
      name = header[1];
      lines = [];
    } else lines.push(line);
  }
  flush();
  const skillFile = [...files.keys()].find((file) => file.toLowerCase() === "skill.md") ?? "SKILL.md";
  const source = files.get(skillFile) ?? "";
  files.delete(skillFile);
  for (const [file, content] of files) if (/^\(binary, \d+ bytes\)$/.test(content)) files.delete(file);
  const body = bodyOf(source);
  return { skillFile, source, body, sections: parseSections(body, 1).sections, files };
}

/** SKILL.md without its frontmatter. */
export function bodyOf(source: string): string {
  const lines = source.split("\n");
  if (lines[0]?.trim() !== "---") return source;
  const closing = lines.findIndex((line, index) => index > 0 && line.trim() === "---");
  return closing < 0 ? source : lines.slice(closing + 1).join("\n");
}

/** The skill as a role's prompt shows it: SKILL.md whole, and the list of the skill's files. */
export interface PromptSkill {
  skillFile: string;
  source: string;
  /** Every file the list names (SKILL.md too, when listed). */
  files: string[];
}

const LIST_HEADING = /^### (Files|Other files|Anchors)\b/;

/** Reads "### SKILL.md" (up to the file list) and the "### Files" / "### Other files" / "files:" list. */
export function readPromptSkill(text: string): PromptSkill {
  const lines = text.split("\n");
  let skillFile = "SKILL.md";
  const source: string[] = [];
  const files: string[] = [];
  let mode: "none" | "source" | "list" = "none";
  for (const line of lines) {
    const header = /^### ((?:SKILL|skill)\.md)$/.exec(line);
    if (header) {
      skillFile = header[1] ?? skillFile;
      mode = "source";
      continue;
    }
    if (LIST_HEADING.test(line) || /^files:$/.test(line)) {
      mode = /Anchors/.test(line) ? "none" : "list";
      continue;
    }
    if (mode === "source") source.push(line);
    else if (mode === "list") {
      const entry = /^(?:- )?(\S+) \(\d+ bytes/.exec(line.trim());
      if (entry?.[1]) files.push(entry[1]);
    }
  }
  return { skillFile, source: source.join("\n").trim(), files };
}

/** A rendered skill from SKILL.md's text and the other files' texts read so far. */
export function renderedSkillOf(
  skillFile: string,
  source: string,
  files: Map<string, string>,
): RenderedSkill {
  const body = bodyOf(source);
  return { skillFile, source, body, sections: parseSections(body, 1).sections, files };
}
