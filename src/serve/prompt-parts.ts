import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FilePart,
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3ProviderTool,
} from "@ai-sdk/provider";

// The pieces of a model-layer call that the three APIs (Messages, Chat Completions, Responses)
// build alike from their own request shapes.

/** The content of one user, assistant or tool message of a model-layer prompt. */
export type UserContent = Extract<LanguageModelV3Message, { role: "user" }>["content"];
export type AssistantContent = Extract<LanguageModelV3Message, { role: "assistant" }>["content"];
export type ToolContent = Extract<LanguageModelV3Message, { role: "tool" }>["content"];

/** A call's tools: functions the client runs, and the provider's own tools, passed on by kind. */
export type CallTools = Array<LanguageModelV3FunctionTool | LanguageModelV3ProviderTool>;

/** A function tool as the model layer takes it; a tool without a schema takes an empty object. */
export function functionTool(
  name: string,
  description: string | undefined,
  schema: unknown,
): LanguageModelV3FunctionTool {
  return {
    type: "function",
    name,
    description,
    inputSchema: (schema ?? { type: "object", properties: {} }) as LanguageModelV3FunctionTool["inputSchema"],
  };
}

/**
 * A tool's text result, added to the tool message just before it or as a new one: the model layer
 * wants the results of one assistant turn together in one message.
 */
export function addToolResult(
  prompt: LanguageModelV3Prompt,
  toolCallId: string,
  toolName: string,
  text: string,
): void {
  const part = {
    type: "tool-result" as const,
    toolCallId,
    toolName,
    output: { type: "text" as const, value: text },
  };
  const last = prompt.at(-1);
  if (last?.role === "tool") last.content.push(part);
  else prompt.push({ role: "tool", content: [part] });
}

/** An image the client gave by URL: the model layer fetches it (or hands the URL on) itself. */
export function imageAt(url: string): LanguageModelV3FilePart {
  return { type: "file", mediaType: "image/*", data: new URL(url) };
}

/** A JSON-schema response format (OpenAI's json_schema) as the model layer takes it. */
export function jsonSchemaFormat(format: {
  name?: string;
  description?: string;
  schema?: unknown;
}): LanguageModelV3CallOptions["responseFormat"] {
  return { type: "json", name: format.name, description: format.description, schema: format.schema as never };
}
