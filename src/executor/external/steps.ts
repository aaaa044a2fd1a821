import { isAbsolute, relative, resolve, sep } from "node:path";
import { TOOL } from "../builtin/protocol.js";
import { truncate } from "../builtin/workspace-files.js";
import type { TrajectoryStep } from "../trajectory.js";

const STORED_RESULT_CHARS = 4_000;

/** Where an external agent's skill copy is, so its reads can be told apart from the task's files. */
export interface PathContext {
  workspace: string;
  /** The skill copy's folder in the workspace (absent for the no-skill baseline). */
  skillDir?: string;
  skillName?: string;
}

export type PathPlace =
  | { kind: "skill"; rel: string }
  | { kind: "workspace"; rel: string }
  | { kind: "outside"; path: string };

/** Classifies a path an agent used (absolute, or relative to the workspace it runs in). */
export function placeOf(path: string, context: PathContext): PathPlace {
  const full = isAbsolute(path) ? resolve(path) : resolve(context.workspace, path);
  const inside = (root: string) => {
    const rel = relative(root, full);
    return rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
      ? rel.split(sep).join("/")
      : undefined;
  };
  const inSkill = context.skillDir ? inside(context.skillDir) : undefined;
  if (inSkill !== undefined && inSkill !== "") return { kind: "skill", rel: inSkill };
  const inWorkspace = inside(context.workspace);
  if (inWorkspace !== undefined) return { kind: "workspace", rel: inWorkspace };
  return { kind: "outside", path: full };
}

/** A written file as the shared vocabulary names it: relative to the workspace when inside it. */
export function writtenPath(path: string, context: PathContext): string {
  const place = placeOf(path, { workspace: context.workspace });
  return place.kind === "outside" ? place.path : place.rel;
}

/**
 * A file read in the shared vocabulary: SKILL.md of the skill is its activation, another file of the
 * skill is read_skill_file, anything else read_file. Undefined when the place is outside the workspace.
 */
export function readCall(
  path: string,
  context: PathContext,
): { name: string; input: Record<string, string> } {
  const place = placeOf(path, context);
  if (place.kind === "skill")
    return place.rel === "SKILL.md"
      ? { name: TOOL.activateSkill, input: { name: context.skillName ?? "" } }
      : { name: TOOL.readSkillFile, input: { path: place.rel } };
  return { name: TOOL.readFile, input: { path: place.kind === "workspace" ? place.rel : place.path } };
}

/** Collects an external agent's steps: calls arrive with their step, results later by call id. */
export class StepLog {
  readonly steps: TrajectoryStep[] = [];
  private readonly byCall = new Map<string, TrajectoryStep>();

  constructor(private readonly started: number) {}

  step(): TrajectoryStep {
    const step: TrajectoryStep = {
      index: this.steps.length,
      text: "",
      toolCalls: [],
      toolResults: [],
      finishReason: "stop",
      usage: { input: 0, cachedInput: 0, output: 0 },
      atMs: Date.now() - this.started,
    };
    this.steps.push(step);
    return step;
  }

  call(
    step: TrajectoryStep,
    id: string,
    shared: { name: string; input: unknown },
    native: { name: string; input: unknown },
  ): void {
    step.toolCalls.push({ id, name: shared.name, input: shared.input, native });
    step.finishReason = "tool-calls";
    this.byCall.set(id, step);
  }

  result(id: string, output: string, error = false): void {
    const step = this.byCall.get(id);
    if (!step) return;
    const name = step.toolCalls.find((call) => call.id === id)?.name ?? "";
    step.toolResults.push({
      id,
      name,
      output: truncate(output, STORED_RESULT_CHARS),
      ...(error ? { error: true } : {}),
    });
  }

  /** Adds text to a call's result (Claude Code sends a loaded skill's body after the Skill result). */
  appendToResult(id: string, text: string): void {
    const step = this.byCall.get(id);
    const result = step?.toolResults.find((r) => r.id === id);
    if (result) result.output = truncate(`${result.output}\n\n${text}`, STORED_RESULT_CHARS * 2);
  }

  callById(id: string) {
    return this.byCall.get(id)?.toolCalls.find((call) => call.id === id);
  }
}

/** File text as a tool showed it with line numbers ("   12\t…" or "12→…"), without them. */
export function withoutLineNumbers(text: string): string {
  const lines = text.split("\n");
  const numbered = /^\s*\d+(\t|→)/;
  const content = lines.filter((line) => line.trim() !== "");
  if (content.length === 0 || !content.every((line) => numbered.test(line))) return text;
  return lines.map((line) => line.replace(numbered, "")).join("\n");
}
