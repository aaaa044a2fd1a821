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
  type CallTools,
  functionTool,
  imageAt,
  jsonSchemaFormat,
  type UserContent,
} from "./prompt-parts.js";
import { type Answer, newId, toolInputObject, toolInputValue } from "./result.js";
import { parseBody } from "./schema-errors.js";
import { chunkText, sseEvent } from "./sse.js";

// OpenAI Responses API (POST /v1/responses), stateless: every turn sends the whole input (as Codex
// does with store=false). Input items serve does not model (reasoning, web search calls, …) are
// skipped; tools it cannot call as functions are passed on to the model layer as provider tools.
const contentPart = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  image_url: z.string().nullish(),
});
const outputValue = z.union([z.string(), z.array(contentPart)]);

const inputItem = z.union([
  z.looseObject({
    type: z.literal("message").optional(),
    role: z.enum(["user", "assistant", "system", "developer"]),
    content: z.union([z.string(), z.array(contentPart)]),
  }),
  z.looseObject({
    type: z.literal("function_call"),
    call_id: z.string(),
    name: z.string(),
    arguments: z.string(),
  }),
  z.looseObject({ type: z.literal("function_call_output"), call_id: z.string(), output: outputValue }),
  z.looseObject({
    type: z.literal("custom_tool_call"),
    call_id: z.string(),
    name: z.string(),
    input: z.string(),
  }),
  z.looseObject({ type: z.literal("custom_tool_call_output"), call_id: z.string(), output: outputValue }),
  z.looseObject({ type: z.string() }),
]);

const toolSchema = z.union([
  z.looseObject({
    type: z.literal("function"),
    name: z.string(),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
  }),
  z.looseObject({ type: z.literal("custom"), name: z.string(), description: z.string().nullish() }),
  z.looseObject({ type: z.string() }),
]);

const requestSchema = z.looseObject({
  model: z.string(),
  input: z.union([z.string(), z.array(inputItem)]),
  instructions: z.string().nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: z
    .union([
      z.enum(["auto", "none", "required"]),
      z.looseObject({ type: z.enum(["function", "custom"]), name: z.string() }),
      z.looseObject({ type: z.string() }),
    ])
    .nullish(),
  text: z
    .looseObject({
      format: z
        .union([
          z.looseObject({
            type: z.literal("json_schema"),
            name: z.string().optional(),
            description: z.string().optional(),
            schema: z.record(z.string(), z.unknown()),
          }),
          z.looseObject({ type: z.enum(["text", "json_object"]) }),
        ])
        .nullish(),
    })
    .nullish(),
  stream: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  previous_response_id: z.string().nullish(),
  parallel_tool_calls: z.boolean().nullish(),
});
export type ResponsesRequest = z.infer<typeof requestSchema>;

export function parseResponsesRequest(body: unknown): ResponsesRequest {
  const request = parseBody(requestSchema, body);
  if (request.previous_response_id) {
    throw invalidRequest(
      "previous_response_id: skillgrad serve keeps no conversation state; send the whole input with store=false",
      "previous_response_id",
    );
  }
  return request;
}

function partsText(value: string | Array<z.infer<typeof contentPart>>): string {
  return typeof value === "string" ? value : value.map((part) => part.text ?? "").join("");
}

/** Custom (free-form) tools are offered to the model as functions with one string argument, "input". */
const CUSTOM_INPUT_SCHEMA = {
  type: "object",
  properties: { input: { type: "string", description: "the tool's free-form input" } },
  required: ["input"],
  additionalProperties: false,
} as const;

/** The request as model-layer call options, and the names of its free-form (custom) tools. */
export function responsesCallOptions(request: ResponsesRequest): {
  options: LanguageModelV3CallOptions;
  customTools: Set<string>;
} {
  const prompt: LanguageModelV3Prompt = [];
  if (request.instructions) prompt.push({ role: "system", content: request.instructions });
  const toolNames = new Map<string, string>();
  const assistant = (): AssistantContent => {
    const last = prompt.at(-1);
    if (last?.role === "assistant") return last.content;
    const content: AssistantContent = [];
    prompt.push({ role: "assistant", content });
    return content;
  };
  const toolResult = (callId: string, output: string | Array<z.infer<typeof contentPart>>) => {
    const toolName = toolNames.get(callId);
    if (toolName === undefined) {
      throw invalidRequest(`input: no earlier tool call has call_id "${callId}"`, "input");
    }
    addToolResult(prompt, callId, toolName, partsText(output));
  };
  const items: Array<Record<string, unknown>> =
    typeof request.input === "string" ? [{ role: "user", content: request.input }] : request.input;
  for (const item of items) {
    if ("role" in item && (item.type === undefined || item.type === "message")) {
      const message = item as { role: string; content: string | Array<z.infer<typeof contentPart>> };
      if (message.role === "system" || message.role === "developer") {
        prompt.push({ role: "system", content: partsText(message.content) });
      } else if (message.role === "assistant") {
        const text = partsText(message.content);
        if (text !== "") assistant().push({ type: "text", text });
      } else {
        const content: UserContent = [];
        if (typeof message.content === "string") content.push({ type: "text", text: message.content });
        else {
          for (const part of message.content) {
            if (part.type === "input_text" || part.type === "output_text") {
              content.push({ type: "text", text: part.text ?? "" });
            } else if (part.type === "input_image" && part.image_url) {
              content.push(imageAt(part.image_url));
            }
          }
        }
        prompt.push({ role: "user", content });
      }
      continue;
    }
    const typed = item as { type: string } & Record<string, unknown>;
    switch (typed.type) {
      case "function_call":
      case "custom_tool_call": {
        const call = typed as unknown as {
          call_id: string;
          name: string;
          arguments?: string;
          input?: string;
        };
        toolNames.set(call.call_id, call.name);
        assistant().push({
          type: "tool-call",
          toolCallId: call.call_id,
          toolName: call.name,
          // a custom tool's free-form text is the one string argument it is offered with (CUSTOM_INPUT_SCHEMA)
          input: typed.type === "function_call" ? toolInputValue(call.arguments) : { input: call.input },
        });
        break;
      }
      case "function_call_output":
      case "custom_tool_call_output": {
        const result = typed as unknown as {
          call_id: string;
          output: string | Array<z.infer<typeof contentPart>>;
        };
        toolResult(result.call_id, result.output);
        break;
      }
      default:
        // reasoning, web_search_call, item_reference…: nothing a stateless model call can use
        break;
    }
  }
  const customTools = new Set<string>();
  const tools: CallTools = [];
  for (const tool of request.tools ?? []) {
    const entry = tool as { type: string; name?: string; description?: string | null; parameters?: unknown };
    if (entry.type === "function" && entry.name) {
      tools.push(functionTool(entry.name, entry.description ?? undefined, entry.parameters));
    } else if (entry.type === "custom" && entry.name) {
      customTools.add(entry.name);
      tools.push(functionTool(entry.name, entry.description ?? undefined, CUSTOM_INPUT_SCHEMA));
    } else {
      const { type, ...args } = entry;
      tools.push({ type: "provider", id: `openai.${type}`, name: entry.name ?? type, args });
    }
  }
  const format = request.text?.format;
  return {
    customTools,
    options: {
      prompt,
      tools: tools.length > 0 ? tools : undefined,
      toolChoice: responsesToolChoice(request.tool_choice),
      responseFormat:
        !format || format.type === "text"
          ? undefined
          : format.type === "json_schema"
            ? jsonSchemaFormat(format as { name?: string; description?: string; schema: unknown })
            : { type: "json" },
      maxOutputTokens: request.max_output_tokens ?? undefined,
      temperature: request.temperature ?? undefined,
      topP: request.top_p ?? undefined,
    },
  };
}

function responsesToolChoice(choice: ResponsesRequest["tool_choice"]): LanguageModelV3ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (typeof choice === "string") return { type: choice };
  const named = choice as { type: string; name?: string };
  if ((named.type === "function" || named.type === "custom") && named.name)
    return { type: "tool", toolName: named.name };
  return undefined;
}

function usageOf(answer: Answer) {
  return {
    input_tokens: answer.usage.input,
    input_tokens_details: { cached_tokens: answer.usage.cachedInput },
    output_tokens: answer.usage.output,
    output_tokens_details: { reasoning_tokens: answer.usage.reasoning },
    total_tokens: answer.usage.input + answer.usage.output,
  };
}

type OutputItem = Record<string, unknown> & { type: string; id: string };

function outputItems(answer: Answer, customTools: Set<string>): OutputItem[] {
  const items: OutputItem[] = [];
  if (answer.reasoning) {
    items.push({
      type: "reasoning",
      id: newId("rs_"),
      summary: [{ type: "summary_text", text: answer.reasoning }],
    });
  }
  if (answer.text !== "" || answer.toolCalls.length === 0) {
    items.push({
      type: "message",
      id: newId("msg_"),
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: answer.text, annotations: [], logprobs: [] }],
    });
  }
  for (const call of answer.toolCalls) {
    if (customTools.has(call.name)) {
      const input = toolInputObject(call.input).input;
      items.push({
        type: "custom_tool_call",
        id: newId("ctc_"),
        status: "completed",
        call_id: call.id,
        name: call.name,
        input: typeof input === "string" ? input : JSON.stringify(input ?? ""),
      });
    } else {
      items.push({
        type: "function_call",
        id: newId("fc_"),
        status: "completed",
        call_id: call.id,
        name: call.name,
        arguments: call.input,
      });
    }
  }
  return items;
}

function responseObject(
  request: ResponsesRequest,
  model: string,
  id: string,
  createdAt: number,
  status: "in_progress" | "completed" | "incomplete",
  output: OutputItem[],
  answer?: Answer,
) {
  return {
    id,
    object: "response",
    created_at: createdAt,
    status,
    error: null,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model,
    output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: request.temperature ?? 1,
    text: { format: request.text?.format ?? { type: "text" } },
    tool_choice: request.tool_choice ?? "auto",
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: "disabled",
    usage: answer ? usageOf(answer) : null,
    user: null,
    metadata: {},
  };
}

/** The `response` object for a finished answer. */
export function responsesResult(
  request: ResponsesRequest,
  answer: Answer,
  model: string,
  customTools: Set<string>,
) {
  const status = answer.finish === "length" ? "incomplete" : "completed";
  const createdAt = Math.floor(Date.now() / 1000);
  return responseObject(
    request,
    model,
    newId("resp_"),
    createdAt,
    status,
    outputItems(answer, customTools),
    answer,
  );
}

/** The SSE events of a finished answer: created, each output item added → deltas → done, completed. */
export function responsesStream(
  request: ResponsesRequest,
  answer: Answer,
  model: string,
  customTools: Set<string>,
): string[] {
  const id = newId("resp_");
  const createdAt = Math.floor(Date.now() / 1000);
  let sequence = 0;
  const events: string[] = [];
  const emit = (type: string, data: Record<string, unknown>) => {
    events.push(sseEvent({ type, sequence_number: sequence++, ...data }, type));
  };
  emit("response.created", { response: responseObject(request, model, id, createdAt, "in_progress", []) });
  emit("response.in_progress", {
    response: responseObject(request, model, id, createdAt, "in_progress", []),
  });
  const items = outputItems(answer, customTools);
  items.forEach((item, outputIndex) => {
    const base = { output_index: outputIndex, item_id: item.id };
    if (item.type === "message") {
      const text = answer.text;
      emit("response.output_item.added", {
        output_index: outputIndex,
        item: { ...item, status: "in_progress", content: [] },
      });
      const emptyPart = { type: "output_text", text: "", annotations: [], logprobs: [] };
      emit("response.content_part.added", { ...base, content_index: 0, part: emptyPart });
      for (const delta of chunkText(text)) {
        emit("response.output_text.delta", { ...base, content_index: 0, delta, logprobs: [] });
      }
      emit("response.output_text.done", { ...base, content_index: 0, text, logprobs: [] });
      emit("response.content_part.done", { ...base, content_index: 0, part: { ...emptyPart, text } });
    } else if (item.type === "function_call" || item.type === "custom_tool_call") {
      // a call's text streams in deltas: a function's JSON arguments, a custom tool's free-form input
      const isFunction = item.type === "function_call";
      const field = isFunction ? "arguments" : "input";
      const events = isFunction ? "response.function_call_arguments" : "response.custom_tool_call_input";
      const text = String(item[field]);
      emit("response.output_item.added", {
        output_index: outputIndex,
        item: { ...item, status: "in_progress", [field]: "" },
      });
      for (const delta of chunkText(text, 64)) emit(`${events}.delta`, { ...base, delta });
      emit(`${events}.done`, { ...base, ...(isFunction ? { name: item.name } : {}), [field]: text });
    } else {
      emit("response.output_item.added", { output_index: outputIndex, item });
    }
    emit("response.output_item.done", { output_index: outputIndex, item });
  });
  const status = answer.finish === "length" ? "incomplete" : "completed";
  emit(status === "completed" ? "response.completed" : "response.incomplete", {
    response: responseObject(request, model, id, createdAt, status, items, answer),
  });
  return events;
}
