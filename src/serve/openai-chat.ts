import type {
  LanguageModelV3CallOptions,
  LanguageModelV3Prompt,
  LanguageModelV3ToolChoice,
} from "@ai-sdk/provider";
import { z } from "zod";
import { invalidRequest } from "./errors.js";
import {
  type AssistantContent,
  addToolResult,
  functionTool,
  imageAt,
  jsonSchemaFormat,
  type UserContent,
} from "./prompt-parts.js";
import { type Answer, newId, toolInputValue } from "./result.js";
import { parseBody } from "./schema-errors.js";
import { chunkText, sseEvent } from "./sse.js";

// OpenAI Chat Completions (POST /v1/chat/completions): the request fields serve reads. Unknown
// fields are accepted and ignored, as the API does for fields a model does not use.
const textParts = z.union([
  z.string(),
  z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
]);

const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal("function").optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const messageSchema = z.discriminatedUnion("role", [
  z.looseObject({ role: z.enum(["system", "developer"]), content: textParts }),
  z.looseObject({
    role: z.literal("user"),
    content: z.union([
      z.string(),
      z.array(
        z.looseObject({
          type: z.string(),
          text: z.string().optional(),
          image_url: z.looseObject({ url: z.string() }).optional(),
        }),
      ),
    ]),
  }),
  z.looseObject({
    role: z.literal("assistant"),
    content: textParts.nullish(),
    tool_calls: z.array(toolCallSchema).nullish(),
    reasoning_content: z.string().nullish(),
  }),
  z.looseObject({ role: z.literal("tool"), tool_call_id: z.string(), content: textParts }),
]);

const requestSchema = z.looseObject({
  model: z.string(),
  messages: z.array(messageSchema).min(1),
  tools: z
    .array(
      z.looseObject({
        type: z.literal("function"),
        function: z.looseObject({
          name: z.string(),
          description: z.string().optional(),
          parameters: z.record(z.string(), z.unknown()).optional(),
        }),
      }),
    )
    .optional(),
  tool_choice: z
    .union([
      z.enum(["auto", "none", "required"]),
      z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
    ])
    .optional(),
  response_format: z
    .union([
      z.looseObject({ type: z.literal("text") }),
      z.looseObject({ type: z.literal("json_object") }),
      z.looseObject({
        type: z.literal("json_schema"),
        json_schema: z.looseObject({
          name: z.string(),
          description: z.string().optional(),
          schema: z.record(z.string(), z.unknown()).optional(),
        }),
      }),
    ])
    .optional(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  presence_penalty: z.number().nullish(),
  frequency_penalty: z.number().nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  n: z.number().int().nullish(),
});
export type ChatRequest = z.infer<typeof requestSchema>;

export function parseChatRequest(body: unknown): ChatRequest {
  const request = parseBody(requestSchema, body);
  if (request.n !== undefined && request.n !== null && request.n !== 1) {
    throw invalidRequest("n: only n=1 is supported by skillgrad serve", "n");
  }
  return request;
}

function joinText(content: z.infer<typeof textParts> | null | undefined): string {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  return content.map((part) => part.text ?? "").join("");
}

function dataUrlParts(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mediaType: match[1] ?? "application/octet-stream", data: match[2] ?? "" } : undefined;
}

/** The request as model-layer call options. */
export function chatCallOptions(request: ChatRequest): LanguageModelV3CallOptions {
  const toolNames = new Map<string, string>();
  const prompt: LanguageModelV3Prompt = [];
  for (const message of request.messages) {
    switch (message.role) {
      case "system":
      case "developer":
        prompt.push({ role: "system", content: joinText(message.content) });
        break;
      case "user": {
        const content: UserContent = [];
        if (typeof message.content === "string") content.push({ type: "text", text: message.content });
        else {
          for (const part of message.content) {
            if (part.type === "text") content.push({ type: "text", text: part.text ?? "" });
            else if (part.type === "image_url" && part.image_url) {
              const inline = dataUrlParts(part.image_url.url);
              content.push(
                inline
                  ? { type: "file", mediaType: inline.mediaType, data: inline.data }
                  : imageAt(part.image_url.url),
              );
            }
          }
        }
        prompt.push({ role: "user", content });
        break;
      }
      case "assistant": {
        const content: AssistantContent = [];
        if (message.reasoning_content) content.push({ type: "reasoning", text: message.reasoning_content });
        const text = joinText(message.content);
        if (text !== "") content.push({ type: "text", text });
        for (const call of message.tool_calls ?? []) {
          toolNames.set(call.id, call.function.name);
          content.push({
            type: "tool-call",
            toolCallId: call.id,
            toolName: call.function.name,
            input: toolInputValue(call.function.arguments),
          });
        }
        prompt.push({ role: "assistant", content });
        break;
      }
      case "tool": {
        const toolName = toolNames.get(message.tool_call_id);
        if (toolName === undefined) {
          throw invalidRequest(
            `messages: a tool message answers tool_call_id "${message.tool_call_id}", which no earlier assistant message called`,
            "messages",
          );
        }
        addToolResult(prompt, message.tool_call_id, toolName, joinText(message.content));
        break;
      }
    }
  }
  const tools = request.tools?.map((tool) =>
    functionTool(tool.function.name, tool.function.description, tool.function.parameters),
  );
  const stop = request.stop;
  return {
    prompt,
    tools,
    toolChoice: chatToolChoice(request.tool_choice),
    responseFormat: chatResponseFormat(request.response_format),
    maxOutputTokens: request.max_completion_tokens ?? request.max_tokens ?? undefined,
    temperature: request.temperature ?? undefined,
    topP: request.top_p ?? undefined,
    presencePenalty: request.presence_penalty ?? undefined,
    frequencyPenalty: request.frequency_penalty ?? undefined,
    seed: request.seed ?? undefined,
    stopSequences: stop === null || stop === undefined ? undefined : typeof stop === "string" ? [stop] : stop,
  };
}

function chatToolChoice(choice: ChatRequest["tool_choice"]): LanguageModelV3ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (typeof choice === "string") return { type: choice };
  return { type: "tool", toolName: choice.function.name };
}

function chatResponseFormat(
  format: ChatRequest["response_format"],
): LanguageModelV3CallOptions["responseFormat"] {
  if (!format || format.type === "text") return undefined;
  if (format.type === "json_object") return { type: "json" };
  return jsonSchemaFormat(format.json_schema);
}

const FINISH: Record<string, string> = {
  stop: "stop",
  length: "length",
  "tool-calls": "tool_calls",
  "content-filter": "content_filter",
};

function usageOf(answer: Answer) {
  return {
    prompt_tokens: answer.usage.input,
    completion_tokens: answer.usage.output,
    total_tokens: answer.usage.input + answer.usage.output,
    prompt_tokens_details: { cached_tokens: answer.usage.cachedInput },
    completion_tokens_details: { reasoning_tokens: answer.usage.reasoning },
  };
}

function toolCallsOf(answer: Answer) {
  return answer.toolCalls.map((call) => ({
    id: call.id,
    type: "function" as const,
    function: { name: call.name, arguments: call.input },
  }));
}

/** The `chat.completion` object for a finished answer. */
export function chatCompletion(answer: Answer, model: string) {
  return {
    id: newId("chatcmpl-"),
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: answer.text === "" && answer.toolCalls.length > 0 ? null : answer.text,
          refusal: null,
          ...(answer.reasoning ? { reasoning_content: answer.reasoning } : {}),
          ...(answer.toolCalls.length > 0 ? { tool_calls: toolCallsOf(answer) } : {}),
        },
        logprobs: null,
        finish_reason: FINISH[answer.finish] ?? "stop",
      },
    ],
    usage: usageOf(answer),
  };
}

/** The SSE events of a finished answer, as `chat.completion.chunk`s ending in `[DONE]`. */
export function chatCompletionStream(answer: Answer, model: string, includeUsage: boolean): string[] {
  const id = newId("chatcmpl-");
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    sseEvent({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
  const events = [chunk({ role: "assistant", content: "" })];
  for (const piece of chunkText(answer.reasoning)) events.push(chunk({ reasoning_content: piece }));
  for (const piece of chunkText(answer.text)) events.push(chunk({ content: piece }));
  answer.toolCalls.forEach((call, index) => {
    events.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
      }),
    );
    for (const piece of chunkText(call.input, 64)) {
      events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  events.push(chunk({}, FINISH[answer.finish] ?? "stop"));
  if (includeUsage) {
    events.push(
      sseEvent({ id, object: "chat.completion.chunk", created, model, choices: [], usage: usageOf(answer) }),
    );
  }
  events.push(sseEvent("[DONE]"));
  return events;
}
