import { TOOL } from "../builtin/protocol.js";
import { asNumber, asRecord, asString, type Json, JsonLinesStream } from "../external/event-stream.js";
import { type PathContext, readCall, writtenPath } from "../external/steps.js";

/** `bash -lc '…'` or `bash -lc "…"` (how Codex reports a command) → the command inside. */
export function innerCommand(command: string): string {
  const text = command.trim();
  const single = /^(?:\S*\/)?(?:ba)?sh -l?c '((?:[^']|'\\'')*)'$/.exec(text);
  if (single) return (single[1] as string).replaceAll("'\\''", "'");
  const double = /^(?:\S*\/)?(?:ba)?sh -l?c "((?:[^"\\]|\\.)*)"$/.exec(text);
  if (double) return (double[1] as string).replace(/\\(["\\$`])/g, "$1");
  return text;
}

/** The one file a plain read command shows (cat, head, sed -n 'a,bp', nl -ba), else undefined. */
export function readTarget(command: string): string | undefined {
  const word = String.raw`('(?:[^']*)'|"(?:[^"\\]|\\.)*"|[^\s;&|<>'"]+)`;
  const forms = [
    new RegExp(String.raw`^cat ${word}$`),
    new RegExp(String.raw`^head(?: -n ?\d+| -\d+)? ${word}$`),
    new RegExp(String.raw`^sed -n '?\d+(?:,\d+)?p'? ${word}$`),
    new RegExp(String.raw`^nl -ba ${word}$`),
  ];
  for (const form of forms) {
    const match = form.exec(command);
    if (!match?.[1]) continue;
    const raw = match[1];
    if (raw.startsWith("'")) return raw.slice(1, -1);
    if (raw.startsWith('"')) return raw.slice(1, -1).replace(/\\(.)/g, "$1");
    return raw;
  }
  return undefined;
}

export interface CodexUsage {
  input: number;
  cachedInput: number;
  output: number;
  reasoning: number;
}

/**
 * Reads `codex exec --json` events (JSON Lines) into the shared trajectory: one step per item the
 * agent completed. A command that only reads one file maps like a file tool (the skill's SKILL.md →
 * activate_skill, its other files → read_skill_file, others → read_file); other commands →
 * run_shell; file changes → write_file; messages → step text. Unreadable lines are counted.
 */
export class CodexStream extends JsonLinesStream {
  usage?: CodexUsage;
  turns = 0;
  completed = false;
  failure?: string;
  finalText = "";
  /** Its own notes (e.g. that it knows nothing about the model's metadata). */
  readonly notes: string[] = [];
  threadId?: string;

  constructor(
    context: PathContext,
    started: number,
    private readonly maxSteps: number,
    private readonly stop: () => void,
  ) {
    super(context, started);
  }

  /** More steps than the turn limit: Codex has no limit of its own, so it is stopped. */
  get overLimit(): boolean {
    return this.steps.length > this.maxSteps;
  }

  protected read(event: Json): void {
    switch (event.type) {
      case "thread.started":
        this.threadId = asString(event.thread_id);
        return;
      case "turn.started":
        this.turns += 1;
        return;
      case "item.completed":
        this.readItem(asRecord(event.item) ?? {});
        if (this.overLimit) this.stop();
        return;
      case "turn.completed": {
        this.completed = true;
        const usage = asRecord(event.usage) ?? {};
        const add = (a: number | undefined, b: unknown) => (a ?? 0) + (asNumber(b) ?? 0);
        this.usage = {
          input: add(this.usage?.input, usage.input_tokens),
          cachedInput: add(this.usage?.cachedInput, usage.cached_input_tokens),
          output: add(this.usage?.output, usage.output_tokens),
          reasoning: add(this.usage?.reasoning, usage.reasoning_output_tokens),
        };
        return;
      }
      case "turn.failed":
        this.failure = asString(asRecord(event.error)?.message) ?? "the turn failed";
        return;
      case "error":
        this.failure = asString(event.message) ?? "error";
        return;
      default:
        return;
    }
  }

  private readItem(item: Json) {
    const id = asString(item.id) ?? `item_${this.steps.length}`;
    switch (item.type) {
      case "agent_message": {
        const text = asString(item.text) ?? "";
        const step = this.log.step();
        step.text = text;
        this.finalText = text;
        return;
      }
      case "command_execution": {
        const command = innerCommand(asString(item.command) ?? "");
        const output = asString(item.aggregated_output) ?? "";
        const exit = asNumber(item.exit_code);
        const step = this.log.step();
        const target = readTarget(command);
        const shared = target ? readCall(target, this.context) : { name: TOOL.runShell, input: { command } };
        this.log.call(step, id, shared, { name: "command_execution", input: { command: item.command } });
        this.log.result(id, output, exit !== undefined && exit !== 0);
        this.noteCall(shared);
        return;
      }
      case "file_change": {
        const step = this.log.step();
        const changes = Array.isArray(item.changes) ? item.changes : [];
        changes.forEach((change, index) => {
          const path = asString(asRecord(change)?.path) ?? "";
          const callId = `${id}-${index}`;
          this.log.call(
            step,
            callId,
            { name: TOOL.writeFile, input: { path: writtenPath(path, this.context) } },
            { name: "file_change", input: change },
          );
          this.log.result(callId, asString(item.status) ?? "");
        });
        return;
      }
      case "error":
        this.notes.push(asString(item.message) ?? "");
        return;
      default:
        return; // reasoning, plans, web searches: nothing the trajectory keeps
    }
  }
}
