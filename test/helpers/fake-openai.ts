import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

/** What the fake server answers to one chat completion request. */
export type FakeReply =
  | { toolCall: { name: string; arguments: Record<string, unknown> } }
  | { text: string }
  | { status: number; body: string }
  | { delayMs: number; reply: FakeReply };

export interface ChatRequest {
  messages: Array<{ role: string; content: unknown }>;
  /** All message text joined, to tell tasks apart. */
  text: string;
  /** The request's path and query, as the client sent them (e.g. /v1/chat/completions?api-key=…). */
  url: string;
  /** Its Authorization header, if it had one. */
  authorization?: string;
}

/**
 * A local stand-in for an OpenAI-compatible Chat Completions server on 127.0.0.1, so the CLI can be
 * driven end to end through the real provider code without a network.
 */
export async function startFakeOpenAI(answer: (request: ChatRequest, index: number) => FakeReply) {
  let count = 0;
  const server: Server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw || "{}") as { messages?: ChatRequest["messages"] };
    const messages = body.messages ?? [];
    const request: ChatRequest = {
      messages,
      text: messages.map((m) => JSON.stringify(m.content)).join("\n"),
      url: req.url ?? "",
      ...(req.headers.authorization !== undefined ? { authorization: req.headers.authorization } : {}),
    };
    let reply = answer(request, count++);
    while ("delayMs" in reply) {
      const { delayMs, reply: later } = reply;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      reply = later;
    }
    if ("status" in reply) {
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(reply.body);
      return;
    }
    const message =
      "toolCall" in reply
        ? {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: `call_${count}`,
                type: "function",
                function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.arguments) },
              },
            ],
          }
        : { role: "assistant", content: reply.text };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${count}`,
        object: "chat.completion",
        created: 1_700_000_000,
        model: "fake",
        choices: [{ index: 0, message, finish_reason: "toolCall" in reply ? "tool_calls" : "stop" }],
        usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * For a describe block (or a file) whose tests each start their own fake server: `start` one in a
 * test, and it is closed after that test.
 */
export function useFakeOpenAI(): { start: typeof startFakeOpenAI } {
  let server: Awaited<ReturnType<typeof startFakeOpenAI>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  return {
    async start(answer) {
      server = await startFakeOpenAI(answer);
      return server;
    },
  };
}
