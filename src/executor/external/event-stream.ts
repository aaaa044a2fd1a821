import { TOOL } from "../builtin/protocol.js";
import type { TrajectoryStep } from "../trajectory.js";
import { type PathContext, StepLog } from "./steps.js";

export type Json = Record<string, unknown>;

// Agents' events are untyped JSON: these read one field as the type it should have, or undefined.
export const asRecord = (value: unknown): Json | undefined =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
export const asString = (value: unknown): string | undefined =>
  typeof value === "string" ? value : undefined;
export const asNumber = (value: unknown): number | undefined =>
  typeof value === "number" ? value : undefined;

/**
 * What every external agent's event reader shares (Claude Code's and Codex's print JSON Lines):
 * a line that is not a JSON object is counted and otherwise ignored, the rest go to `read`; steps
 * collect in a StepLog; the skill activations and file reads among the shared calls are noted.
 */
export abstract class JsonLinesStream {
  readonly log: StepLog;
  unreadableLines = 0;
  firstUnreadable?: string;
  /** Skills it activated (with a skill tool, or by reading their SKILL.md), in order. */
  readonly invokedSkills: string[] = [];
  /** Files of the skill it read (relative to the skill folder). */
  readonly skillFilesRead: string[] = [];
  /** Workspace files it read. */
  readonly filesRead: string[] = [];

  constructor(
    protected readonly context: PathContext,
    started: number,
  ) {
    this.log = new StepLog(started);
  }

  get steps(): TrajectoryStep[] {
    return this.log.steps;
  }

  push(line: string): void {
    let event: Json | undefined;
    try {
      event = asRecord(JSON.parse(line));
    } catch {
      event = undefined;
    }
    if (event) this.read(event);
    else this.unreadable(line);
  }

  /** One event (a JSON object) the agent printed. */
  protected abstract read(event: Json): void;

  protected unreadable(line: string): void {
    this.unreadableLines += 1;
    this.firstUnreadable ??= line.slice(0, 200);
  }

  /** Notes a call in the shared vocabulary that activates the skill or reads a file. */
  protected noteCall(shared: { name: string; input: unknown }): void {
    const input = (asRecord(shared.input) ?? {}) as Json;
    if (shared.name === TOOL.activateSkill) this.invokedSkills.push(String(input.name ?? ""));
    else if (shared.name === TOOL.readSkillFile) this.skillFilesRead.push(String(input.path ?? ""));
    else if (shared.name === TOOL.readFile) this.filesRead.push(String(input.path ?? ""));
  }
}
