import type { IncomingHttpHeaders } from "node:http";
import type { LanguageModelV3CallOptions } from "@ai-sdk/provider";
import {
  anthropicMessage,
  anthropicStream,
  messagesCallOptions,
  parseCountTokensRequest,
  parseMessagesRequest,
} from "./anthropic-messages.js";
import { type Dialect, ServeError } from "./errors.js";
import { chatCallOptions, chatCompletion, chatCompletionStream, parseChatRequest } from "./openai-chat.js";
import {
  parseResponsesRequest,
  responsesCallOptions,
  responsesResult,
  responsesStream,
} from "./openai-responses.js";
import type { Answer } from "./result.js";

/** How to answer one request: directly, or from one model call rendered in the API's shape. */
export type Route =
  | {
      kind: "direct";
      api: string;
      dialect: Dialect;
      askedModel?: string;
      reply: (ctx: RouteContext) => Promise<unknown>;
    }
  | {
      kind: "model";
      api: string;
      dialect: Dialect;
      askedModel: string;
      stream: boolean;
      call: LanguageModelV3CallOptions;
      /** The JSON body for a non-streaming answer. */
      json: (answer: Answer) => unknown;
      /** The SSE events for a streaming answer. */
      events: (answer: Answer) => string[];
    };

export interface RouteContext {
  /** The model string serve runs, also the one model it lists. */
  model: string;
  countTokens: (call: LanguageModelV3CallOptions) => Promise<number>;
}

export interface IncomingRequest {
  method: string;
  /** Path without the query, without a trailing slash and without a leading /v1. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined for GET/HEAD). */
  body: unknown;
}

/** Anthropic's clients send anthropic-version; its routes live under /messages. */
export function dialectOf(path: string, headers: IncomingHttpHeaders): Dialect {
  return path.startsWith("/messages") || headers["anthropic-version"] !== undefined ? "anthropic" : "openai";
}

/** Normalizes a URL path: "/v1/chat/completions/" → "/chat/completions". */
export function routePath(pathname: string): string {
  const trimmed = pathname.replace(/\/+$/, "") || "/";
  return trimmed === "/v1" ? "/" : trimmed.replace(/^\/v1(?=\/)/, "");
}

const APIS: Record<string, string> = {
  "/chat/completions": "chat.completions",
  "/responses": "responses",
  "/messages": "messages",
  "/messages/count_tokens": "count_tokens",
  "/models": "models",
};

/** The API a path belongs to, for the ledger (known before the body is checked). */
export function apiOf(path: string): string {
  return APIS[path] ?? (path.startsWith("/models/") ? "models" : "unknown");
}

export function routeFor(request: IncomingRequest): Route {
  const { method, path } = request;
  const dialect = dialectOf(path, request.headers);
  if (method === "GET" && (path === "/" || path === "/health")) {
    return {
      kind: "direct",
      api: "health",
      dialect,
      reply: async (ctx) => ({ status: "ok", model: ctx.model }),
    };
  }
  if (method === "GET" && path === "/models") {
    return {
      kind: "direct",
      api: "models",
      dialect,
      reply: async (ctx) => modelList(ctx.model, dialect, request.query),
    };
  }
  if (method === "GET" && path.startsWith("/models/")) {
    const id = decodeURIComponent(path.slice("/models/".length));
    return {
      kind: "direct",
      api: "models",
      dialect,
      reply: async (ctx) => modelEntry(id, ctx.model, dialect),
    };
  }
  if (method !== "POST") throw notFound(method, path);
  switch (path) {
    case "/chat/completions": {
      const chat = parseChatRequest(request.body);
      return {
        kind: "model",
        api: "chat.completions",
        dialect,
        askedModel: chat.model,
        stream: chat.stream === true,
        call: chatCallOptions(chat),
        json: (answer) => chatCompletion(answer, chat.model),
        events: (answer) =>
          chatCompletionStream(answer, chat.model, chat.stream_options?.include_usage === true),
      };
    }
    case "/responses": {
      const responses = parseResponsesRequest(request.body);
      const { options, customTools } = responsesCallOptions(responses);
      return {
        kind: "model",
        api: "responses",
        dialect,
        askedModel: responses.model,
        stream: responses.stream === true,
        call: options,
        json: (answer) => responsesResult(responses, answer, responses.model, customTools),
        events: (answer) => responsesStream(responses, answer, responses.model, customTools),
      };
    }
    case "/messages": {
      const messages = parseMessagesRequest(request.body);
      return {
        kind: "model",
        api: "messages",
        dialect: "anthropic",
        askedModel: messages.model,
        stream: messages.stream === true,
        call: messagesCallOptions(messages),
        json: (answer) => anthropicMessage(answer, messages.model),
        events: (answer) => anthropicStream(answer, messages.model),
      };
    }
    case "/messages/count_tokens": {
      const count = parseCountTokensRequest(request.body);
      const call = messagesCallOptions(count);
      return {
        kind: "direct",
        api: "count_tokens",
        dialect: "anthropic",
        askedModel: count.model,
        reply: async (ctx) => ({ input_tokens: await ctx.countTokens(call) }),
      };
    }
    default:
      throw notFound(method, path);
  }
}

function notFound(method: string, path: string): ServeError {
  return new ServeError(
    404,
    `skillgrad serve has no ${method} ${path}: it serves POST /v1/chat/completions, /v1/responses, /v1/messages, /v1/messages/count_tokens and GET /v1/models`,
  );
}

const CREATED = Math.floor(Date.parse("2025-01-01T00:00:00Z") / 1000);

function modelEntry(id: string, served: string, dialect: Dialect) {
  // Any name is answered by the one served model, so any name a client asks about exists.
  if (dialect === "anthropic") {
    return {
      type: "model",
      id,
      display_name: `${id} (skillgrad serve: ${served})`,
      created_at: new Date(CREATED * 1000).toISOString(),
    };
  }
  return { id, object: "model", created: CREATED, owned_by: `skillgrad serve (${served})` };
}

function modelList(served: string, dialect: Dialect, query: URLSearchParams) {
  const entry = modelEntry(served, served, dialect);
  if (dialect === "anthropic") return { data: [entry], has_more: false, first_id: served, last_id: served };
  // Codex asks with ?client_version= and reads `models` (its own catalogue format): an empty list
  // makes it use its defaults for a model it does not know.
  return { object: "list", data: [entry], ...(query.has("client_version") ? { models: [] } : {}) };
}
