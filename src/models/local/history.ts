import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  LanguageModelV3Prompt,
  SharedV3Warning,
} from "@ai-sdk/provider";
import type {
  ChatHistoryItem,
  ChatModelFunctionCall,
  ChatModelFunctions,
  ChatModelResponse,
} from "node-llama-cpp";
import { grammarSchema } from "./schema.js";

function toolOutputValue(output: { type: string; value?: unknown; reason?: string }): unknown {
  if (output.type === "execution-denied")
    return `execution denied${output.reason ? `: ${output.reason}` : ""}`;
  if (output.type === "content" && Array.isArray(output.value)) {
    return output.value
      .map((part: { type: string; text?: string }) => (part.type === "text" ? (part.text ?? "") : "[file]"))
      .join("");
  }
  return output.value;
}

/**
 * The AI SDK prompt as node-llama-cpp chat history: system and user text, model turns with their
 * tool calls, and each tool result attached to its call (as node-llama-cpp keeps them). Files are
 * left out with a warning: these models read text only.
 */
export function chatHistory(prompt: LanguageModelV3Prompt, warnings: SharedV3Warning[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const calls = new Map<string, ChatModelFunctionCall>();
  let fileWarned = false;
  const fileLeftOut = () => {
    if (!fileWarned)
      warnings.push({ type: "other", message: "local models read text only: attached files were left out" });
    fileWarned = true;
  };
  const lastModelTurn = (): ChatModelResponse => {
    const last = history.at(-1);
    if (last?.type === "model") return last;
    const turn: ChatModelResponse = { type: "model", response: [] };
    history.push(turn);
    return turn;
  };
  for (const message of prompt) {
    switch (message.role) {
      case "system":
        history.push({ type: "system", text: message.content });
        break;
      case "user": {
        let text = "";
        for (const part of message.content) {
          if (part.type === "text") text += part.text;
          else fileLeftOut();
        }
        history.push({ type: "user", text });
        break;
      }
      case "assistant": {
        const turn = lastModelTurn();
        for (const part of message.content) {
          if (part.type === "text" && part.text !== "") turn.response.push(part.text);
          else if (part.type === "tool-call") {
            const input = typeof part.input === "string" ? safeJson(part.input) : part.input;
            const call: ChatModelFunctionCall = {
              type: "functionCall",
              name: part.toolName,
              params: input,
              result: undefined,
            };
            calls.set(part.toolCallId, call);
            turn.response.push(call);
          } else if (part.type === "file") fileLeftOut();
        }
        break;
      }
      case "tool":
        for (const part of message.content) {
          if (part.type !== "tool-result") continue;
          const call = calls.get(part.toolCallId);
          const value = toolOutputValue(part.output as { type: string; value?: unknown });
          if (call) call.result = value;
          else
            history.push({
              type: "user",
              text: `Result of ${part.toolName}: ${typeof value === "string" ? value : JSON.stringify(value)}`,
            });
        }
        break;
    }
  }
  return history;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The function tools of a call, as node-llama-cpp functions (parameters reduced to its grammar subset). */
export function chatFunctions(
  options: LanguageModelV3CallOptions,
  warnings: SharedV3Warning[],
): ChatModelFunctions | undefined {
  if (!options.tools || options.tools.length === 0 || options.toolChoice?.type === "none") return undefined;
  const functions: Record<string, { description?: string; params?: unknown }> = {};
  const allowed = options.toolChoice?.type === "tool" ? options.toolChoice.toolName : undefined;
  for (const tool of options.tools) {
    if (tool.type !== "function") {
      warnings.push({
        type: "unsupported",
        feature: `provider tool ${tool.name}`,
        details: "local models call function tools only",
      });
      continue;
    }
    if (allowed !== undefined && tool.name !== allowed) continue;
    functions[tool.name] = { description: tool.description, params: grammarSchema(tool.inputSchema) };
  }
  return Object.keys(functions).length > 0 ? (functions as ChatModelFunctions) : undefined;
}

export function functionTools(options: LanguageModelV3CallOptions): LanguageModelV3FunctionTool[] {
  return (options.tools ?? []).filter(
    (tool): tool is LanguageModelV3FunctionTool => tool.type === "function",
  );
}
