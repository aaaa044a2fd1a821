import type { LanguageModelV3CallOptions, LanguageModelV3Prompt } from "@ai-sdk/provider";

/** A conversation in order, as an external agent's harness sent it (through skillgrad serve). */
export type Entry =
  | { kind: "system"; text: string }
  | { kind: "user"; text: string }
  | { kind: "assistant"; text: string }
  | { kind: "call"; id: string; name: string; input: Record<string, unknown> }
  | { kind: "result"; id: string; text: string; error: boolean };

function outputText(output: unknown): string {
  if (output && typeof output === "object" && "value" in output) {
    const value = (output as { value: unknown }).value;
    return typeof value === "string" ? value : JSON.stringify(value);
  }
  return typeof output === "string" ? output : JSON.stringify(output);
}

export function readTranscript(prompt: LanguageModelV3Prompt): Entry[] {
  const entries: Entry[] = [];
  for (const message of prompt) {
    if (message.role === "system") entries.push({ kind: "system", text: message.content });
    else if (message.role === "user") {
      const text = message.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
      entries.push({ kind: "user", text });
    } else if (message.role === "assistant") {
      for (const part of message.content) {
        if (part.type === "text") entries.push({ kind: "assistant", text: part.text });
        else if (part.type === "tool-call") {
          const input = typeof part.input === "string" ? safeJson(part.input) : part.input;
          entries.push({
            kind: "call",
            id: part.toolCallId,
            name: part.toolName,
            input: (input && typeof input === "object" ? input : {}) as Record<string, unknown>,
          });
        }
      }
    } else if (message.role === "tool") {
      for (const part of message.content) {
        if (part.type === "tool-result")
          entries.push({
            kind: "result",
            id: part.toolCallId,
            text: outputText(part.output),
            error: part.output.type === "error-text" || part.output.type === "error-json",
          });
      }
    }
  }
  return entries;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

/** A tool the harness offers, with the names of its input's properties. */
export interface OfferedTool {
  name: string;
  properties: string[];
  /** Each property's JSON-schema type, when it names one. */
  types: Record<string, string>;
}

export function offeredTools(call: LanguageModelV3CallOptions): OfferedTool[] {
  return (call.tools ?? []).flatMap((tool) => {
    if (tool.type !== "function") return [];
    const schema = tool.inputSchema as { properties?: Record<string, { type?: unknown }> } | undefined;
    const properties = schema?.properties ?? {};
    const types: Record<string, string> = {};
    for (const [name, property] of Object.entries(properties))
      if (typeof property?.type === "string") types[name] = property.type;
    return [{ name: tool.name, properties: Object.keys(properties), types }];
  });
}

/** The result that answers a call, if it came. */
export function resultOf(entries: Entry[], id: string): Extract<Entry, { kind: "result" }> | undefined {
  return entries.find(
    (entry): entry is Extract<Entry, { kind: "result" }> => entry.kind === "result" && entry.id === id,
  );
}

/** Everything the harness said to the agent (system and user text), for reading its listings. */
export function contextText(entries: Entry[]): string {
  return entries
    .filter((entry) => entry.kind === "system" || entry.kind === "user")
    .map((entry) => (entry as { text: string }).text)
    .join("\n");
}
