import type { LanguageModelV3 } from "@ai-sdk/provider";
import { generateText } from "ai";
import type { z } from "zod";
import { parseReply } from "../util/json-reply.js";

export type JsonAnswer<T> = { ok: true; value: T; text: string } | { ok: false; error: string; text: string };

/**
 * One question whose reply must be a JSON object fitting `schema` (temperature 0). A reply that does
 * not fit gets one retry that shows the problem; after that the caller gets the error, not a throw.
 */
export async function askJson<T>(
  model: LanguageModelV3,
  system: string,
  user: string,
  schema: z.ZodType<T>,
): Promise<JsonAnswer<T>> {
  const messages: Array<{ role: "user" | "assistant"; content: string }> = [{ role: "user", content: user }];
  let last: JsonAnswer<T> = { ok: false, error: "no reply", text: "" };
  for (let attempt = 0; attempt < 2; attempt++) {
    const reply = await generateText({ model, system, messages, maxRetries: 0, temperature: 0 });
    const parsed = parseReply(reply.text, schema);
    if (parsed.ok) return { ok: true, value: parsed.value, text: reply.text };
    last = { ok: false, error: parsed.error, text: reply.text };
    messages.push(
      { role: "assistant", content: reply.text },
      {
        role: "user",
        content: `That reply cannot be used: ${parsed.error}. Reply again with the corrected JSON object only.`,
      },
    );
  }
  return last;
}
