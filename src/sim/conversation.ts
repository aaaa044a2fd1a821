import type { LanguageModelV3Prompt } from "@ai-sdk/provider";

/** What a simulated model can read off a prompt: the system text, the user's text, and past tool use. */
export interface Conversation {
  system: string;
  userText: string;
  /** Each user message's text, in order (a structured-reply retry adds a second one). */
  userMessages: string[];
  calls: Array<{ id: string; name: string; input: Record<string, unknown> }>;
  /** Tool results by tool call id, as text. */
  results: Map<string, string>;
}

function outputText(output: unknown): string {
  if (output && typeof output === "object" && "value" in output) {
    const value = (output as { value: unknown }).value;
    return typeof value === "string" ? value : JSON.stringify(value);
  }
  return typeof output === "string" ? output : JSON.stringify(output);
}

export function readConversation(prompt: LanguageModelV3Prompt): Conversation {
  const conversation: Conversation = {
    system: "",
    userText: "",
    userMessages: [],
    calls: [],
    results: new Map(),
  };
  for (const message of prompt) {
    if (message.role === "system") conversation.system += message.content;
    else if (message.role === "user") {
      let text = "";
      for (const part of message.content) if (part.type === "text") text += part.text;
      conversation.userText += text;
      conversation.userMessages.push(text);
    } else if (message.role === "assistant") {
      for (const part of message.content) {
        if (part.type === "tool-call") {
          const input = typeof part.input === "string" ? JSON.parse(part.input) : part.input;
          conversation.calls.push({
            id: part.toolCallId,
            name: part.toolName,
            input: (input ?? {}) as Record<string, unknown>,
          });
        }
      }
    } else if (message.role === "tool") {
      for (const part of message.content) {
        if (part.type === "tool-result") conversation.results.set(part.toolCallId, outputText(part.output));
      }
    }
  }
  return conversation;
}

/** The results of every earlier call to one tool, in order, with the call's input. */
export function resultsOf(conversation: Conversation, toolName: string) {
  return conversation.calls
    .filter((call) => call.name === toolName)
    .map((call) => ({ input: call.input, output: conversation.results.get(call.id) ?? "" }));
}
