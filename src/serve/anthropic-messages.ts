import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Prompt,
  LanguageModelV3ToolChoice,
  LanguageModelV3ToolResultOutput,
} from "@ai-sdk/provider";
import { z } from "zod";
import { invalidRequest } from "./errors.js";
import {
  type AssistantContent,
  type CallTools,
  functionTool,
  imageAt,
  type ToolContent,
  type UserContent,
} from "./prompt-parts.js";
import { type Answer, newId, toolInputObject } from "./result.js";
import { parseBody } from "./schema-errors.js";
import { chunkText, sseEvent } from "./sse.js";

// Anthropic Messages API (POST /v1/messages and /v1/messages/count_tokens). Block types serve does
// not model (documents, search results, server tool results…) are read as their text when they have
// one; cache_control and other per-block settings are accepted and ignored.
const imageSource = z.looseObject({
  type: z.string(),
  media_type: z.string().optional(),
  data: z.string().optional(),
  url: z.string().optional(),
});

const block = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  thinking: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
  tool_use_id: z.string().optional(),
  content: z.unknown().optional(),
  is_error: z.boolean().optional(),
  source: imageSource.optional(),
});
type Block = z.infer<typeof block>;

// Claude Code also sends `system` messages between the turns (instructions that arrive mid-session).
const messageSchema = z.looseObject({
  role: z.enum(["user", "assistant", "system"]),
  content: z.union([z.string(), z.array(block)]),
});

const countSchema = z.looseObject({
  model: z.string(),
  messages: z.array(messageSchema),
  system: z
    .union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))])
    .optional(),
  tools: z
    .array(
      z.looseObject({
        name: z.string(),
        type: z.string().nullish(),
        description: z.string().optional(),
        input_schema: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
  tool_choice: z
    .looseObject({ type: z.enum(["auto", "any", "tool", "none"]), name: z.string().optional() })
    .optional(),
});

const requestSchema = countSchema.extend({
  max_tokens: z.number().int().positive(),
  stream: z.boolean().optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  top_k: z.number().int().optional(),
  stop_sequences: z.array(z.string()).optional(),
});
export type MessagesRequest = z.infer<typeof requestSchema>;
export type CountTokensRequest = z.infer<typeof countSchema>;

export function parseMessagesRequest(body: unknown): MessagesRequest {
  return checkTurns(parseBody(requestSchema, body));
}

export function parseCountTokensRequest(body: unknown): CountTokensRequest {
  return checkTurns(parseBody(countSchema, body));
}

function checkTurns<T extends CountTokensRequest>(request: T): T {
  if (request.messages.length === 0)
    throw invalidRequest("messages: at least one message is required", "messages");
  return request;
}

function blockText(value: unknown): string {
  if (typeof value === "string") return value;
  if (!Array.isArray(value)) return "";
  return value
    .map((item) => (item && typeof item === "object" && typeof item.text === "string" ? item.text : ""))
    .join("");
}

function toolResultOutput(result: Block): LanguageModelV3ToolResultOutput {
  const text = blockText(result.content);
  return result.is_error ? { type: "error-text", value: text } : { type: "text", value: text };
}

/** The request as model-layer call options (count_tokens requests too, without the sampling). */
export function messagesCallOptions(
  request: CountTokensRequest & Partial<MessagesRequest>,
): LanguageModelV3CallOptions {
  const prompt: LanguageModelV3Prompt = [];
  const system = typeof request.system === "string" ? request.system : blockText(request.system ?? []);
  if (system !== "") prompt.push({ role: "system", content: system });
  const toolNames = new Map<string, string>();
  for (const message of request.messages) {
    const blocks: Block[] =
      typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    if (message.role === "system") {
      const text = blocks.map((item) => item.text ?? blockText(item.content)).join("\n");
      if (text !== "") prompt.push({ role: "system", content: text });
      continue;
    }
    if (message.role === "assistant") {
      const content: AssistantContent = [];
      for (const item of blocks) {
        if (item.type === "text" && item.text) content.push({ type: "text", text: item.text });
        else if (item.type === "thinking" && item.thinking)
          content.push({ type: "reasoning", text: item.thinking });
        else if (item.type === "tool_use" && item.id && item.name) {
          toolNames.set(item.id, item.name);
          content.push({
            type: "tool-call",
            toolCallId: item.id,
            toolName: item.name,
            input: item.input ?? {},
          });
        }
      }
      prompt.push({ role: "assistant", content });
      continue;
    }
    // A user turn carries tool results (answers to the previous assistant turn) and new input.
    const results: ToolContent = [];
    const content: UserContent = [];
    for (const item of blocks) {
      if (item.type === "tool_result") {
        const id = item.tool_use_id ?? "";
        const toolName = toolNames.get(id);
        if (toolName === undefined) {
          throw invalidRequest(
            `messages: tool_result block(s) provided for tool_use id "${id}", which no earlier assistant turn used`,
            "messages",
          );
        }
        results.push({ type: "tool-result", toolCallId: id, toolName, output: toolResultOutput(item) });
      } else if (item.type === "image" && item.source) {
        const source = item.source;
        if (source.type === "base64" && source.data) {
          content.push({ type: "file", mediaType: source.media_type ?? "image/*", data: source.data });
        } else if (source.type === "url" && source.url) {
          content.push(imageAt(source.url));
        }
      } else {
        const text = item.text ?? blockText(item.content);
        if (text !== "") content.push({ type: "text", text });
      }
    }
    if (results.length > 0) prompt.push({ role: "tool", content: results });
    if (content.length > 0) prompt.push({ role: "user", content });
  }
  const tools: CallTools = [];
  for (const tool of request.tools ?? []) {
    if (!tool.type || tool.type === "custom") {
      tools.push(functionTool(tool.name, tool.description, tool.input_schema));
    } else {
      // a server or client tool of Anthropic's own (web_search_…, bash_…): passed on by kind
      const { type, name, ...args } = tool;
      tools.push({ type: "provider", id: `anthropic.${type}`, name, args });
    }
  }
  return {
    prompt,
    tools: tools.length > 0 ? tools : undefined,
    toolChoice: anthropicToolChoice(request.tool_choice),
    maxOutputTokens: request.max_tokens,
    temperature: request.temperature,
    topP: request.top_p,
    topK: request.top_k,
    stopSequences: request.stop_sequences,
  };
}

function anthropicToolChoice(
  choice: CountTokensRequest["tool_choice"],
): LanguageModelV3ToolChoice | undefined {
  if (!choice) return undefined;
  if (choice.type === "any") return { type: "required" };
  if (choice.type === "tool") {
    if (!choice.name) throw invalidRequest("tool_choice.name: Field required", "tool_choice.name");
    return { type: "tool", toolName: choice.name };
  }
  return { type: choice.type };
}

const STOP_REASONS: Record<string, string> = {
  stop: "end_turn",
  length: "max_tokens",
  "tool-calls": "tool_use",
  "content-filter": "refusal",
};

function usageOf(answer: Answer) {
  return {
    // Anthropic counts cache reads and writes apart from input_tokens
    input_tokens: Math.max(0, answer.usage.input - answer.usage.cachedInput - answer.usage.cacheWrite),
    cache_creation_input_tokens: answer.usage.cacheWrite,
    cache_read_input_tokens: answer.usage.cachedInput,
    output_tokens: answer.usage.output,
    service_tier: "standard",
  };
}

type ContentBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

function contentBlocks(answer: Answer): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  // serve cannot sign thinking: the signature says so, and clients only echo it back
  if (answer.reasoning)
    blocks.push({ type: "thinking", thinking: answer.reasoning, signature: "skillgrad-serve" });
  if (answer.text !== "" || answer.toolCalls.length === 0) blocks.push({ type: "text", text: answer.text });
  for (const call of answer.toolCalls) {
    blocks.push({ type: "tool_use", id: call.id, name: call.name, input: toolInputObject(call.input) });
  }
  return blocks;
}

/** The `message` object for a finished answer. */
export function anthropicMessage(answer: Answer, model: string) {
  return {
    id: newId("msg_"),
    type: "message",
    role: "assistant",
    model,
    content: contentBlocks(answer),
    stop_reason: STOP_REASONS[answer.finish] ?? "end_turn",
    stop_sequence: null,
    usage: usageOf(answer),
  };
}

/** The SSE events of a finished answer: message_start, each block start → deltas → stop, message_delta, message_stop. */
export function anthropicStream(answer: Answer, model: string): string[] {
  const message = anthropicMessage(answer, model);
  const events: string[] = [];
  const emit = (type: string, data: Record<string, unknown>) =>
    events.push(sseEvent({ type, ...data }, type));
  emit("message_start", {
    message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } },
  });
  emit("ping", {});
  message.content.forEach((content, index) => {
    if (content.type === "text") {
      emit("content_block_start", { index, content_block: { type: "text", text: "" } });
      for (const text of chunkText(content.text)) {
        emit("content_block_delta", { index, delta: { type: "text_delta", text } });
      }
    } else if (content.type === "thinking") {
      emit("content_block_start", {
        index,
        content_block: { type: "thinking", thinking: "", signature: "" },
      });
      for (const thinking of chunkText(content.thinking)) {
        emit("content_block_delta", { index, delta: { type: "thinking_delta", thinking } });
      }
      emit("content_block_delta", {
        index,
        delta: { type: "signature_delta", signature: content.signature },
      });
    } else {
      emit("content_block_start", {
        index,
        content_block: { type: "tool_use", id: content.id, name: content.name, input: {} },
      });
      for (const partial_json of chunkText(JSON.stringify(content.input), 64)) {
        emit("content_block_delta", { index, delta: { type: "input_json_delta", partial_json } });
      }
    }
    emit("content_block_stop", { index });
  });
  emit("message_delta", {
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: message.usage,
  });
  emit("message_stop", {});
  return events;
}
