import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { APICallError, type LanguageModelV3CallOptions } from "@ai-sdk/provider";
import { errorMessage } from "../errors.js";
import {
  BudgetExceededError,
  CALL_LABEL_NAMESPACE,
  type LedgerEntry,
  type ModelHub,
  type ModelRole,
} from "../models/index.js";
import { type Dialect, errorBody, invalidRequest, ServeError } from "./errors.js";
import { type FaultKind, FaultPlan, type FaultSettings } from "./faults.js";
import { ServeLedger, type ServeLedgerLine } from "./request-ledger.js";
import { readAnswer } from "./result.js";
import { apiOf, dialectOf, routeFor, routePath } from "./routes.js";
import { startEventStream } from "./sse.js";

export interface ServeOptions {
  /** Every model call goes through the hub (cache, retries, budgets) as `role`. */
  hub: ModelHub;
  /** The hub role whose model serve runs (default "executor": external agents execute tasks). */
  role?: ModelRole;
  /** The model string, for the ledger and the model list. */
  model: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** serve's ledger: one JSON line per request. */
  ledgerPath?: string;
  faults?: FaultSettings;
  /** Added before every answer, in ms. */
  latencyMs?: number;
  /** Input tokens of a prompt, for count_tokens (default: an estimate of characters / 4). */
  countTokens?: (call: LanguageModelV3CallOptions) => Promise<number> | number;
  /** How long a "timeout" fault holds a connection at most (default 10 minutes). */
  faultHoldMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Characters / 4, as the sim counts: an estimate for models without a tokenizer at hand. */
export function estimateTokens(call: LanguageModelV3CallOptions): number {
  return Math.ceil(JSON.stringify([call.prompt, call.tools ?? []]).length / 4);
}

/** Starts skillgrad serve: the OpenAI and Anthropic APIs in front of one hub model. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const ledger = options.ledgerPath ? new ServeLedger(options.ledgerPath) : undefined;
  const plan = new FaultPlan(options.faults);
  const role = options.role ?? "executor";
  const model = options.hub.model(role);
  const entries = new Map<string, LedgerEntry>();
  const stopListening = options.hub.onCall((entry) => {
    if (entry.label) entries.set(entry.label, entry);
  });
  const held = new Set<Socket>();
  let counter = 0;
  const context = {
    model: options.model,
    countTokens: async (call: LanguageModelV3CallOptions) => (options.countTokens ?? estimateTokens)(call),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    counter += 1;
    const requestId = `req_${Date.now().toString(36)}${counter.toString(36).padStart(4, "0")}`;
    const url = new URL(req.url ?? "/", "http://serve.local");
    const path = routePath(url.pathname);
    let dialect: Dialect = dialectOf(path, req.headers);
    const line: ServeLedgerLine = {
      ts: new Date(started).toISOString(),
      request: requestId,
      method: req.method ?? "GET",
      path: url.pathname,
      api: apiOf(path),
      model: options.model,
      stream: false,
      status: null,
      ms: 0,
      modelCall: false,
      inputTokens: 0,
      cachedInputTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
      costUsd: 0,
      cacheHit: false,
      retries: 0,
    };
    const idHeaders = { "x-request-id": requestId, "request-id": requestId };
    const finish = () => {
      line.ms = Date.now() - started;
      ledger?.append(line);
    };
    const abort = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) abort.abort(new Error("the client closed the connection"));
    });
    try {
      if (req.method === "HEAD") {
        line.api = "health";
        res.writeHead(200, idHeaders).end();
        line.status = 200;
        return finish();
      }
      const text = await readBody(req);
      const body = req.method === "POST" ? parseJson(text) : undefined;
      const route = routeFor({
        method: req.method ?? "GET",
        path,
        query: url.searchParams,
        headers: req.headers,
        body,
      });
      dialect = route.dialect;
      line.api = route.api;
      if (route.askedModel) line.askedModel = route.askedModel;
      if (route.kind === "model") line.stream = route.stream;
      const fault = req.method === "POST" ? plan.next(path, text) : undefined;
      if (fault) line.fault = fault;
      if (fault === "429")
        throw new ServeError(429, "rate limited (a fault injected by skillgrad serve --faults)");
      if (fault === "500")
        throw new ServeError(500, "internal error (a fault injected by skillgrad serve --faults)");
      if (fault === "timeout") {
        await hold(req, res, held, options.faultHoldMs ?? 600_000);
        return finish();
      }
      if (options.latencyMs) await sleep(options.latencyMs, abort.signal);
      if (route.kind === "direct") {
        const reply = await route.reply(context);
        line.status = await send(res, fault, 200, JSON.stringify(reply), idHeaders);
        return finish();
      }
      const result = await model.doGenerate({
        ...route.call,
        abortSignal: abort.signal,
        providerOptions: { ...route.call.providerOptions, [CALL_LABEL_NAMESPACE]: { label: requestId } },
      });
      copyEntry(line, entries, requestId);
      const answer = readAnswer(result);
      if (route.stream) line.status = await sendStream(res, fault, route.events(answer), idHeaders);
      else line.status = await send(res, fault, 200, JSON.stringify(route.json(answer)), idHeaders);
      return finish();
    } catch (error) {
      copyEntry(line, entries, requestId);
      const refusal = asServeError(error);
      line.error = refusal.message;
      if (!res.headersSent && !res.destroyed) {
        const headers: Record<string, string> = { ...idHeaders };
        if (refusal.status === 429) Object.assign(headers, { "retry-after": "1", "retry-after-ms": "200" });
        line.status = refusal.status;
        await send(
          res,
          undefined,
          refusal.status,
          JSON.stringify(errorBody(dialect, refusal, requestId)),
          headers,
        );
      } else if (!res.destroyed) {
        res.destroy();
      }
      return finish();
    }
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.listen(options.port ?? 0, options.host ?? "127.0.0.1");
  await once(server, "listening");
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: async () => {
      // a hub outlives the servers an executor starts per task run: its listener must go with them
      stopListening();
      for (const socket of held) socket.destroy();
      const closed = once(server, "close");
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

function copyEntry(line: ServeLedgerLine, entries: Map<string, LedgerEntry>, requestId: string): void {
  const entry = entries.get(requestId);
  if (!entry) return;
  entries.delete(requestId);
  Object.assign(line, {
    modelCall: entry.error === undefined,
    inputTokens: entry.inputTokens,
    cachedInputTokens: entry.cachedInputTokens,
    outputTokens: entry.outputTokens,
    reasoningTokens: entry.reasoningTokens,
    costUsd: entry.costUsd,
    cacheHit: entry.cacheHit,
    retries: entry.retries,
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ServeError(413, `request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidRequest(
      "the request body is not valid JSON: send a JSON object with Content-Type: application/json",
    );
  }
}

/** What a thrown error becomes for the client: our own refusals as they are, model failures as 5xx. */
function asServeError(error: unknown): ServeError {
  if (error instanceof ServeError) return error;
  if (error instanceof BudgetExceededError) {
    return new ServeError(429, `${error.message} (skillgrad serve budget)`, undefined, {
      code: "insufficient_quota",
    });
  }
  const status = causeStatus(error);
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
    return new ServeError(status, errorMessage(error));
  }
  return new ServeError(500, `the model behind skillgrad serve failed: ${errorMessage(error)}`);
}

function causeStatus(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (APICallError.isInstance(current)) return current.statusCode;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Writes a JSON body, or spoils it as the fault says; returns the status sent (null: none). */
async function send(
  res: ServerResponse,
  fault: FaultKind | undefined,
  status: number,
  body: string,
  headers: Record<string, string>,
): Promise<number | null> {
  if (fault === "reset") {
    res.socket?.destroy();
    return null;
  }
  const bytes = Buffer.from(
    fault === "malformed" ? `${body.slice(0, Math.floor(body.length / 2))}<<garbled` : body,
  );
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": String(fault === "truncated" ? Buffer.byteLength(body) : bytes.length),
  });
  if (fault === "truncated") {
    // fewer bytes than content-length announced, then the connection goes
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    res.socket?.destroy();
    return status;
  }
  res.end(bytes);
  return status;
}

/** Writes SSE events, or spoils the stream as the fault says. */
async function sendStream(
  res: ServerResponse,
  fault: FaultKind | undefined,
  events: string[],
  headers: Record<string, string>,
): Promise<number | null> {
  if (fault === "reset") {
    res.socket?.destroy();
    return null;
  }
  startEventStream(res, headers);
  const half = Math.max(1, Math.floor(events.length / 2));
  const sent = fault === "truncated" || fault === "malformed" ? events.slice(0, half) : events;
  for (const event of sent) {
    if (!res.write(event)) await once(res, "drain");
  }
  // a truncated stream just stops; a malformed one ends with an event that is not JSON
  if (fault === "malformed") res.write('data: {"type": <<garbled\n\n');
  res.end();
  return 200;
}

/** The "timeout" fault: keep the connection open, unanswered, until the client leaves (or `maxMs`). */
async function hold(
  req: IncomingMessage,
  res: ServerResponse,
  held: Set<Socket>,
  maxMs: number,
): Promise<void> {
  const socket = req.socket;
  held.add(socket);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    res.on("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  held.delete(socket);
  if (!res.destroyed) res.destroy();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
