/** The two error dialects serve speaks: each API answers a bad request in its own shape. */
export type Dialect = "openai" | "anthropic";

/** A request serve refuses, with the HTTP status and the API's own error type. */
export class ServeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The error `type` ("invalid_request_error", …); derived from the status when left out. */
    readonly type?: string,
    /** OpenAI's `param` (which field was wrong) and `code`. */
    readonly detail: { param?: string; code?: string } = {},
  ) {
    super(message);
  }
}

const ANTHROPIC_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

const OPENAI_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "invalid_request_error",
  404: "invalid_request_error",
  429: "rate_limit_exceeded",
  500: "server_error",
};

/** The JSON body of an error response, as the API in question writes it. */
export function errorBody(dialect: Dialect, error: ServeError, requestId: string): unknown {
  if (dialect === "anthropic") {
    return {
      type: "error",
      error: { type: error.type ?? ANTHROPIC_TYPES[error.status] ?? "api_error", message: error.message },
      request_id: requestId,
    };
  }
  return {
    error: {
      message: error.message,
      type: error.type ?? OPENAI_TYPES[error.status] ?? "server_error",
      param: error.detail.param ?? null,
      code: error.detail.code ?? null,
    },
  };
}

/** A 400 for a body that does not match the API's schema: which field, and what is wrong with it. */
export function invalidRequest(message: string, param?: string): ServeError {
  return new ServeError(400, message, "invalid_request_error", { param });
}
