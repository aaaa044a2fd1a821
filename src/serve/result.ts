import { randomBytes } from "node:crypto";
import type { LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import { tokenCounts } from "../models/index.js";

/** What every API's answer is built from: one model result, read once. */
export interface Answer {
  text: string;
  reasoning: string;
  toolCalls: Array<{ id: string; name: string; input: string }>;
  /** The AI SDK's unified finish reason ("stop", "length", "tool-calls", "content-filter", …). */
  finish: string;
  usage: { input: number; cachedInput: number; cacheWrite: number; output: number; reasoning: number };
}

export function readAnswer(result: LanguageModelV3GenerateResult): Answer {
  let text = "";
  let reasoning = "";
  const toolCalls: Answer["toolCalls"] = [];
  for (const part of result.content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "reasoning") reasoning += part.text;
    else if (part.type === "tool-call" && !part.providerExecuted) {
      toolCalls.push({ id: part.toolCallId, name: part.toolName, input: part.input });
    }
  }
  const tokens = tokenCounts(result.usage);
  return {
    text,
    reasoning,
    toolCalls,
    finish: toolCalls.length > 0 ? "tool-calls" : result.finishReason.unified,
    usage: {
      input: tokens.inputTokens,
      cachedInput: tokens.cachedInputTokens,
      cacheWrite: tokens.cacheWriteTokens,
      output: tokens.outputTokens,
      reasoning: tokens.reasoningTokens,
    },
  };
}

/** A random id with the prefix the API uses ("chatcmpl-", "resp_", "msg_", "toolu_", "call_"). */
export function newId(prefix: string): string {
  return `${prefix}${randomBytes(12).toString("hex")}`;
}

/** Parses a tool call's JSON arguments; text that is not a JSON object is kept under "input". */
export function toolInputObject(input: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(input === "" ? "{}" : input);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // fall through: not JSON
  }
  return { input };
}

/** A tool call's arguments as the model layer expects them in a prompt (parsed when they are JSON). */
export function toolInputValue(args: unknown): unknown {
  if (typeof args !== "string") return args ?? {};
  try {
    return JSON.parse(args === "" ? "{}" : args);
  } catch {
    return args;
  }
}
