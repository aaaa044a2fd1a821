import { TOOL } from "../builtin/protocol.js";
import { asNumber, asRecord, asString, type Json, JsonLinesStream } from "../external/event-stream.js";
import { readCall, withoutLineNumbers, writtenPath } from "../external/steps.js";
import type { TrajectoryStep } from "../trajectory.js";

/** What `claude -p --output-format stream-json --verbose` said about its session at the start. */
export interface ClaudeInit {
  model?: string;
  tools: string[];
  /** The skills it discovered (its own bundled ones, and the one in .claude/skills/). */
  skills: string[];
  permissionMode?: string;
  version?: string;
}

export interface ClaudeUsage {
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
}

/** Its closing `result` event. */
export interface ClaudeResult {
  subtype: string;
  isError: boolean;
  text: string;
  numTurns?: number;
  totalCostUsd?: number;
  usage?: ClaudeUsage;
  /** The same split by the model names it used (it may call a second, smaller model). */
  byModel?: Record<string, ClaudeUsage>;
  apiErrorStatus?: number | null;
  stopReason?: string;
  /** Other error detail it gave (the `errors` list of newer versions). */
  errors: string[];
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return content === undefined ? "" : JSON.stringify(content);
  return content
    .map((part) => {
      const record = asRecord(part);
      if (record?.type === "text") return asString(record.text) ?? "";
      return record?.type ? `[${String(record.type)}]` : "";
    })
    .join("\n");
}

/**
 * Reads Claude Code's stream-json events, line by line, into the shared trajectory: one step per
 * assistant message, its tool calls in the shared vocabulary (Skill → activate_skill, Read of the
 * skill's files → read_skill_file, Read → read_file, Write → write_file, Bash → run_shell; other
 * tools keep their name), each with the agent's own call in `native`. Lines that are not JSON
 * are counted (see JsonLinesStream); events it does not know are skipped.
 */
export class ClaudeStream extends JsonLinesStream {
  init?: ClaudeInit;
  result?: ClaudeResult;
  private readonly stepsByMessage = new Map<string, TrajectoryStep>();
  private lastSkillCall?: string;

  protected read(event: Json): void {
    switch (event.type) {
      case "system":
        if (event.subtype === "init") this.readInit(event);
        return;
      case "assistant":
        this.readAssistant(event);
        return;
      case "user":
        this.readUser(event);
        return;
      case "result":
        this.readResult(event);
        return;
      default:
        return; // stream_event, rate-limit notes and the like carry nothing the trajectory keeps
    }
  }

  private readInit(event: Json) {
    const strings = (value: unknown) =>
      Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
    this.init = {
      ...(asString(event.model) ? { model: asString(event.model) } : {}),
      tools: strings(event.tools),
      skills: strings(event.skills),
      ...(asString(event.permissionMode) ? { permissionMode: asString(event.permissionMode) } : {}),
      ...(asString(event.claude_code_version) ? { version: asString(event.claude_code_version) } : {}),
    };
  }

  private readAssistant(event: Json) {
    const message = asRecord(event.message);
    if (!message) {
      this.unreadable(JSON.stringify(event));
      return;
    }
    // a subagent's messages are its own conversation, not this one's steps
    if (event.parent_tool_use_id) return;
    const id = asString(message.id) ?? `m${this.steps.length}`;
    let step = this.stepsByMessage.get(id);
    if (!step) {
      step = this.log.step();
      this.stepsByMessage.set(id, step);
      const usage = asRecord(message.usage);
      if (usage) {
        const { input, cachedInput, output } = tokenUsage(usage);
        step.usage = { input, cachedInput, output };
      }
    }
    const content = Array.isArray(message.content) ? message.content : [];
    for (const part of content) {
      const block = asRecord(part);
      if (!block) continue;
      if (block.type === "text") {
        const text = asString(block.text) ?? "";
        step.text = step.text ? `${step.text}\n${text}` : text;
      } else if (block.type === "tool_use") {
        const name = asString(block.name) ?? "?";
        const input = asRecord(block.input) ?? {};
        const callId = asString(block.id) ?? `${id}-${step.toolCalls.length}`;
        const shared = this.sharedCall(name, input);
        this.log.call(step, callId, shared, { name, input });
        this.noteCall(shared);
        if (shared.name === TOOL.activateSkill) this.lastSkillCall = callId;
      }
    }
  }

  private sharedCall(name: string, input: Json): { name: string; input: unknown } {
    const path = asString(input.file_path) ?? asString(input.path);
    switch (name) {
      case "Skill":
        return {
          name: TOOL.activateSkill,
          input: { name: asString(input.skill) ?? asString(input.command) ?? "" },
        };
      case "Read":
        return path ? readCall(path, this.context) : { name, input };
      case "Write":
        return path
          ? { name: TOOL.writeFile, input: { path: writtenPath(path, this.context), content: input.content } }
          : { name, input };
      case "Bash":
        return { name: TOOL.runShell, input: { command: asString(input.command) ?? "" } };
      default:
        return { name, input };
    }
  }

  private readUser(event: Json) {
    if (event.parent_tool_use_id) return;
    const message = asRecord(event.message);
    const content = message?.content;
    if (!Array.isArray(content)) {
      // a plain text user message right after a Skill call: the skill's instructions, loaded
      if (typeof content === "string" && this.lastSkillCall)
        this.log.appendToResult(this.lastSkillCall, content);
      return;
    }
    const fileContent = asString(asRecord(asRecord(event.tool_use_result)?.file)?.content);
    for (const part of content) {
      const block = asRecord(part);
      if (!block) continue;
      if (block.type === "tool_result") {
        const id = asString(block.tool_use_id) ?? "";
        const call = this.log.callById(id);
        let output = textOf(block.content);
        if (call && (call.native?.name === "Read" || call.name === TOOL.readFile))
          output = fileContent ?? withoutLineNumbers(output);
        this.log.result(id, output, block.is_error === true);
        if (call?.name !== TOOL.activateSkill) this.lastSkillCall = undefined;
      } else if (block.type === "text" && this.lastSkillCall) {
        this.log.appendToResult(this.lastSkillCall, asString(block.text) ?? "");
        this.lastSkillCall = undefined;
      }
    }
  }

  private readResult(event: Json) {
    const usage = asRecord(event.usage);
    const errors = Array.isArray(event.errors)
      ? event.errors.map((e) => (typeof e === "string" ? e : JSON.stringify(e)))
      : [];
    this.result = {
      subtype: asString(event.subtype) ?? "unknown",
      isError: event.is_error === true,
      text: asString(event.result) ?? "",
      ...(asNumber(event.num_turns) !== undefined ? { numTurns: asNumber(event.num_turns) } : {}),
      ...(asNumber(event.total_cost_usd) !== undefined
        ? { totalCostUsd: asNumber(event.total_cost_usd) }
        : {}),
      ...(usage ? { usage: tokenUsage(usage) } : {}),
      ...(asRecord(event.modelUsage) ? { byModel: modelUsage(asRecord(event.modelUsage) as Json) } : {}),
      apiErrorStatus: asNumber(event.api_error_status) ?? null,
      ...(asString(event.stop_reason) ? { stopReason: asString(event.stop_reason) } : {}),
      errors,
    };
  }
}

/** A message's or the result's `usage`: input counted with cache reads and writes, as the ledger counts it. */
function tokenUsage(usage: Json): ClaudeUsage {
  const cachedInput = asNumber(usage.cache_read_input_tokens) ?? 0;
  const cacheWrite = asNumber(usage.cache_creation_input_tokens) ?? 0;
  return {
    input: (asNumber(usage.input_tokens) ?? 0) + cachedInput + cacheWrite,
    cachedInput,
    cacheWrite,
    output: asNumber(usage.output_tokens) ?? 0,
  };
}

/** `modelUsage` of the result event: per model, input counted with cache reads and writes. */
function modelUsage(value: Json): Record<string, ClaudeUsage> {
  const split: Record<string, ClaudeUsage> = {};
  for (const [model, raw] of Object.entries(value)) {
    const usage = asRecord(raw);
    if (!usage) continue;
    const cachedInput = asNumber(usage.cacheReadInputTokens) ?? 0;
    const cacheWrite = asNumber(usage.cacheCreationInputTokens) ?? 0;
    split[model] = {
      input: (asNumber(usage.inputTokens) ?? 0) + cachedInput + cacheWrite,
      cachedInput,
      cacheWrite,
      output: asNumber(usage.outputTokens) ?? 0,
    };
  }
  return split;
}
