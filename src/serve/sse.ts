import type { ServerResponse } from "node:http";

/** Starts an SSE response (`text/event-stream`), as both APIs stream. */
export function startEventStream(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, {
    ...headers,
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
}

/** One SSE event: `event:` names it (Anthropic and the Responses API do; Chat Completions does not). */
export function sseEvent(data: unknown, event?: string): string {
  const body = typeof data === "string" ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ""}data: ${body}\n\n`;
}

/** Splits text into stream deltas of about `size` characters (never inside a surrogate pair). */
export function chunkText(text: string, size = 24): string[] {
  const chars = Array.from(text);
  const chunks: string[] = [];
  for (let i = 0; i < chars.length; i += size) chunks.push(chars.slice(i, i + size).join(""));
  return chunks;
}
