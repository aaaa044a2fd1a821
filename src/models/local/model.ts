import { randomUUID } from "node:crypto";
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3FunctionTool,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  SharedV3Warning,
} from "@ai-sdk/provider";
import type { ChatHistoryItem, ChatModelFunctions, LlamaChatResponse, LlamaGrammar } from "node-llama-cpp";
import { SkillgradError } from "../../errors.js";
import { checkGgufFile, type MemoryProbe } from "./gguf-file.js";
import { chatFunctions, chatHistory, functionTools } from "./history.js";
import {
  importNodeLlamaCpp,
  type LocalRuntime,
  localRuntime,
  type RuntimeSettings,
  type Slot,
} from "./runtime.js";
import { grammarSchema } from "./schema.js";

export interface LocalModelOptions {
  /** What followed "local:" (a catalog name or a path). */
  modelId: string;
  /** The GGUF file. */
  path: string;
  settings: RuntimeSettings;
  /** For tests: how node-llama-cpp is imported, and how much memory there is. */
  importLib?: Parameters<typeof importNodeLlamaCpp>[0];
  memory?: MemoryProbe;
}

const runtimeChecks = new Map<string, Promise<LocalRuntime>>();

/** Checks the file once, then loads (or reuses) the process's runtime for it. */
function runtimeFor(options: LocalModelOptions): Promise<LocalRuntime> {
  const key = `${options.path}\0${JSON.stringify(options.settings)}`;
  let runtime = runtimeChecks.get(key);
  if (!runtime) {
    runtime = checkGgufFile(options.modelId, options.path, options.memory).then(() =>
      localRuntime(options.path, options.settings, () => importNodeLlamaCpp(options.importLib)),
    );
    runtimeChecks.set(key, runtime);
    runtime.catch(() => runtimeChecks.delete(key));
  }
  return runtime;
}

/**
 * A GGUF model run in this process by node-llama-cpp, as an AI SDK LanguageModelV3: chat through
 * the model's own chat template (node-llama-cpp's wrapper for it), function calling for tools,
 * a JSON-schema grammar for structured output, token counts from the sequence's meter, aborts.
 *
 * Small models rarely start a tool call by themselves. When a reply names an offered tool (or looks
 * like a call in the wrong syntax) or runs to the token limit, the call is made once more with a
 * grammar that allows only a tool call — the one repair retry; `toolChoice: required` (or a named
 * tool) uses that grammar at once.
 */
export function createLocalModel(options: LocalModelOptions): LanguageModelV3 {
  return {
    specificationVersion: "v3",
    provider: "local",
    modelId: options.modelId,
    supportedUrls: {},
    doGenerate: (call) => generate(options, call),
    async doStream(call) {
      const result = await generate(options, call);
      return { stream: streamOf(result) };
    },
  };
}

interface Meter {
  input: number;
  output: number;
}

async function generate(
  options: LocalModelOptions,
  call: LanguageModelV3CallOptions,
): Promise<LanguageModelV3GenerateResult> {
  const runtime = await runtimeFor(options);
  const slot = await runtime.acquire(call.abortSignal);
  try {
    const warnings: SharedV3Warning[] = [];
    const start = slot.sequence.tokenMeter.getState();
    const history = chatHistory(call.prompt, warnings);
    const content = await answer(runtime, slot, history, call, warnings);
    const end = slot.sequence.tokenMeter.getState();
    const used: Meter = {
      input: end.usedInputTokens - start.usedInputTokens,
      output: end.usedOutputTokens - start.usedOutputTokens,
    };
    // The sequence now holds prompt + answer; what it held before and kept was read from its cache.
    const promptTokens = Math.max(used.input, slot.sequence.contextTokens.length - used.output);
    return {
      content: content.parts,
      finishReason: content.finish,
      usage: {
        inputTokens: {
          total: promptTokens,
          noCache: used.input,
          cacheRead: Math.max(0, promptTokens - used.input),
          cacheWrite: undefined,
        },
        outputTokens: { total: used.output, text: used.output, reasoning: undefined },
      },
      warnings,
      ...(content.repair ? { providerMetadata: { local: { repair: content.repair } } } : {}),
      response: { id: `local-${randomUUID()}`, timestamp: new Date(), modelId: options.modelId },
    };
  } finally {
    slot.release();
  }
}

interface Answer {
  parts: LanguageModelV3Content[];
  finish: LanguageModelV3FinishReason;
  /** Why the tool-call grammar was used, when it was (kept in providerMetadata.local.repair). */
  repair?: string;
}

async function answer(
  runtime: LocalRuntime,
  slot: Slot,
  history: ChatHistoryItem[],
  call: LanguageModelV3CallOptions,
  warnings: SharedV3Warning[],
): Promise<Answer> {
  const maxTokens = Math.min(
    call.maxOutputTokens ?? runtime.settings.maxTokens,
    Math.floor(runtime.contextSize / 2),
  );
  const sampling: Sampling = {
    maxTokens,
    temperature: call.temperature ?? 0,
    topP: call.topP,
    topK: call.topK,
    seed: call.seed,
    signal: call.abortSignal,
    customStopTriggers: call.stopSequences,
    // llama.cpp's usual repetition penalty: small models otherwise repeat a line until the limit
    repeatPenalty: {
      penalty: 1.1,
      frequencyPenalty: call.frequencyPenalty,
      presencePenalty: call.presencePenalty,
      lastTokens: 64,
    },
  };
  if (call.responseFormat?.type === "json") {
    return structured(runtime, slot, history, call, sampling);
  }
  const functions = chatFunctions(call, warnings);
  if (!functions) {
    const reply = await slot.chat.generateResponse(history, sampling);
    return { parts: textParts(reply), finish: finishOf(reply) };
  }
  const forced = call.toolChoice?.type === "required" || call.toolChoice?.type === "tool";
  let first: Answer | undefined;
  let repair = "tool choice";
  if (!forced) {
    const reply = await slot.chat.generateResponse(history, { ...sampling, functions });
    if (reply.functionCalls && reply.functionCalls.length > 0) {
      return {
        parts: [
          ...textParts(reply),
          ...reply.functionCalls.map((fc) => toolCall(fc.functionName, fc.params)),
        ],
        finish: { unified: "tool-calls", raw: "functionCalls" },
      };
    }
    first = { parts: textParts(reply), finish: finishOf(reply) };
    // A reply that runs to the token limit (small models loop) or names a tool without calling it
    // is a failed turn: it is asked again, once, under a grammar that allows only a tool call.
    if (reply.metadata.stopReason === "maxTokens") repair = "token limit";
    else if (triedToCall(reply.response, Object.keys(functions))) repair = "named a tool";
    else return first;
  }
  const called = await grammarToolCall(runtime, slot, history, offeredTools(call), sampling);
  if (called) return { parts: [called], finish: { unified: "tool-calls", raw: "grammar" }, repair };
  if (first) return { ...first, repair: `${repair}; no tool call under the grammar either` };
  throw new SkillgradError("the local model produced no usable tool call under a tool-call grammar");
}

/** Whether a text reply tried to use a tool: it names one, or has call-like syntax. */
function triedToCall(text: string, names: string[]): boolean {
  if (/\|\|call|"(tool|name|function)"\s*:/.test(text)) return true;
  return names.some((name) => new RegExp(`(^|[^\\w-])${escapeRegExp(name)}($|[^\\w-])`).test(text));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

interface Sampling {
  maxTokens: number;
  repeatPenalty?: {
    penalty: number;
    frequencyPenalty?: number;
    presencePenalty?: number;
    lastTokens: number;
  };
  temperature: number;
  topP?: number;
  topK?: number;
  seed?: number;
  signal?: AbortSignal;
  customStopTriggers?: string[];
}

/** The function tools the call allows (all, or the one `toolChoice` names). */
function offeredTools(call: LanguageModelV3CallOptions): LanguageModelV3FunctionTool[] {
  const named = call.toolChoice?.type === "tool" ? call.toolChoice.toolName : undefined;
  return functionTools(call).filter((tool) => named === undefined || tool.name === named);
}

/**
 * A tool call the grammar guarantees: {"tool": <an offered name>, "arguments": <its parameters>}.
 * The tools and the reply format are stated in a last user turn, so the conversation before it
 * (and its evaluated prefix in the sequence) stays as it was. Cut off by the token limit, it is
 * asked once more with every open-ended string capped so that the call fits.
 */
async function grammarToolCall(
  runtime: LocalRuntime,
  slot: Slot,
  history: ChatHistoryItem[],
  tools: LanguageModelV3FunctionTool[],
  sampling: Sampling,
): Promise<LanguageModelV3Content | undefined> {
  const catalogue = tools
    .map(
      (tool) =>
        `- ${tool.name}: ${tool.description ?? ""}\n  arguments (JSON schema): ${JSON.stringify(tool.inputSchema)}`,
    )
    .join("\n");
  const instruction: ChatHistoryItem = {
    type: "user",
    text: `Call one tool now. Tools:\n${catalogue}\nReply with one JSON object: {"tool": "<name>", "arguments": {…}}.`,
  };
  const strings = Math.max(...tools.map((tool) => countStrings(tool.inputSchema)));
  for (const stringCap of [undefined, capFor(sampling.maxTokens, strings)]) {
    const schema = {
      oneOf: tools.map((tool) => ({
        type: "object",
        properties: {
          tool: { const: tool.name },
          arguments: grammarSchema(tool.inputSchema, { stringCap }) ?? { type: "object", properties: {} },
        },
        required: ["tool", "arguments"],
        additionalProperties: false,
      })),
    };
    const grammar = await runtime.llama.createGrammarForJsonSchema(schema as never);
    const reply = await slot.chat.generateResponse([...history, instruction], { ...sampling, grammar });
    const parsed = parseJson(reply.response) as { tool?: string; arguments?: unknown } | undefined;
    if (parsed && typeof parsed.tool === "string" && tools.some((tool) => tool.name === parsed.tool)) {
      return toolCall(parsed.tool, parsed.arguments ?? {});
    }
    if (reply.metadata.stopReason !== "maxTokens") return undefined;
  }
  return undefined;
}

/**
 * Characters each open-ended string may take so that a reply fits in `maxTokens`: half the tokens
 * shared among the schema's strings, counting a token per character (looping text tokenizes badly).
 */
function capFor(maxTokens: number, strings: number): number {
  return Math.max(8, Math.floor(maxTokens / 2 / Math.max(1, strings)));
}

/** String slots in a schema (an array of strings counts as four). */
function countStrings(schema: unknown, depth = 0): number {
  if (!schema || typeof schema !== "object" || depth > 8) return 0;
  const node = schema as Record<string, unknown>;
  if (node.type === "string") return 1;
  let count = 0;
  for (const value of Object.values((node.properties ?? {}) as Record<string, unknown>))
    count += countStrings(value, depth + 1);
  if (node.items) count += 4 * countStrings(node.items, depth + 1);
  for (const key of ["oneOf", "anyOf"]) {
    const choices = node[key];
    if (Array.isArray(choices))
      count += Math.max(0, ...choices.map((choice) => countStrings(choice, depth + 1)));
  }
  return count;
}

/** JSON output under a grammar made from the schema; cut off by the token limit, it is asked once more with capped strings. */
async function structured(
  runtime: LocalRuntime,
  slot: Slot,
  history: ChatHistoryItem[],
  call: LanguageModelV3CallOptions,
  sampling: Sampling,
): Promise<Answer> {
  const format = call.responseFormat?.type === "json" ? call.responseFormat : undefined;
  let reply = await slot.chat.generateResponse(history, {
    ...sampling,
    grammar: await jsonGrammar(runtime, format?.schema),
  });
  if (parseJson(reply.response) === undefined && reply.metadata.stopReason === "maxTokens") {
    const grammar = await jsonGrammar(
      runtime,
      format?.schema,
      capFor(sampling.maxTokens, countStrings(format?.schema)),
    );
    reply = await slot.chat.generateResponse(history, { ...sampling, grammar });
  }
  return { parts: textParts(reply), finish: finishOf(reply) };
}

async function jsonGrammar(
  runtime: LocalRuntime,
  schema: unknown,
  stringCap?: number,
): Promise<LlamaGrammar> {
  const reduced = grammarSchema(schema, { stringCap });
  if (reduced) {
    try {
      return await runtime.llama.createGrammarForJsonSchema(reduced as never);
    } catch {
      // a schema node-llama-cpp cannot compile: any JSON, and the caller's validation decides
    }
  }
  return runtime.llama.getGrammarFor("json");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toolCall(name: string, params: unknown): LanguageModelV3Content {
  return {
    type: "tool-call",
    toolCallId: `call_${randomUUID().replaceAll("-", "").slice(0, 16)}`,
    toolName: name,
    input: JSON.stringify(params ?? {}),
  };
}

function textParts(reply: LlamaChatResponse<ChatModelFunctions | undefined>): LanguageModelV3Content[] {
  const parts: LanguageModelV3Content[] = [];
  for (const item of reply.fullResponse) {
    if (typeof item !== "string" && item.type === "segment" && item.text !== "") {
      parts.push({ type: "reasoning", text: item.text });
    }
  }
  if (reply.response !== "") parts.push({ type: "text", text: reply.response });
  return parts;
}

function finishOf(reply: LlamaChatResponse<ChatModelFunctions | undefined>): LanguageModelV3FinishReason {
  const raw = reply.metadata.stopReason;
  if (raw === "maxTokens") return { unified: "length", raw };
  if (raw === "functionCalls") return { unified: "tool-calls", raw };
  if (raw === "abort") return { unified: "other", raw };
  return { unified: "stop", raw };
}

function streamOf(result: LanguageModelV3GenerateResult): ReadableStream<LanguageModelV3StreamPart> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue({ type: "stream-start", warnings: result.warnings });
      result.content.forEach((part, index) => {
        const id = String(index);
        if (part.type === "text") {
          controller.enqueue({ type: "text-start", id });
          controller.enqueue({ type: "text-delta", id, delta: part.text });
          controller.enqueue({ type: "text-end", id });
        } else if (part.type === "reasoning") {
          controller.enqueue({ type: "reasoning-start", id });
          controller.enqueue({ type: "reasoning-delta", id, delta: part.text });
          controller.enqueue({ type: "reasoning-end", id });
        } else if (part.type === "tool-call") {
          controller.enqueue(part);
        }
      });
      controller.enqueue({ type: "finish", finishReason: result.finishReason, usage: result.usage });
      controller.close();
    },
  });
}
