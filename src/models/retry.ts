import { APICallError } from "@ai-sdk/provider";
import { errorMessage, SkillgradError } from "../errors.js";
import { maskSecrets } from "../util/secrets.js";

export interface RetryPolicy {
  /** Retries after the first attempt (attempts = maxRetries + 1). */
  maxRetries: number;
  /** First backoff delay; doubles per retry, with ±50 % jitter. */
  baseDelayMs: number;
  /** Ceiling for one backoff delay (a server's retry-after is honoured up to MAX_RETRY_AFTER_MS). */
  maxDelayMs: number;
  /** Per attempt. */
  timeoutMs: number;
}

/** Longest wait a server's retry-after header can ask of us. */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

const NETWORK_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

export interface CallTarget {
  /** The model string, e.g. "openai:gpt-4.1-mini". */
  model: string;
  /** Where it is served, for messages. */
  url: string;
  /** The variable holding its key, for messages about rejected keys. */
  keyVariable?: string;
}

export interface RetryDeps {
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** Awaited before each attempt, outside its timeout (the hub waits for the rate limit here). */
  beforeAttempt?: () => Promise<void>;
}

/** Timeout of one attempt (not the caller's own abort). */
class AttemptTimeout extends Error {
  constructor(ms: number) {
    super(`no answer within ${Math.round(ms / 100) / 10} s`);
  }
}

/**
 * Runs `attempt` until it succeeds, retrying 408/409/429/5xx, network errors and timeouts with
 * exponential backoff (or the server's retry-after). Other 4xx fail at once. `state.retries` counts
 * the retries made, also when the call fails in the end, so the ledger can record them.
 */
export async function callWithRetries<T>(
  attempt: (signal: AbortSignal) => PromiseLike<T>,
  target: CallTarget,
  policy: RetryPolicy,
  state: { retries: number },
  callerSignal?: AbortSignal,
  deps: RetryDeps = {},
): Promise<T> {
  const sleep = deps.sleep ?? abortableSleep;
  const random = deps.random ?? Math.random;
  for (let attemptNo = 0; ; attemptNo++) {
    callerSignal?.throwIfAborted();
    if (deps.beforeAttempt) {
      await deps.beforeAttempt();
      callerSignal?.throwIfAborted();
    }
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    let failure: unknown;
    try {
      return await attempt(signal);
    } catch (error) {
      if (callerSignal?.aborted) throw error;
      failure = timeout.aborted ? new AttemptTimeout(policy.timeoutMs) : error;
    }
    if (!isRetryable(failure)) throw explainFinalError(failure, target);
    if (attemptNo >= policy.maxRetries) {
      // The server answers but this request's answer stays unreadable: that request fails (the
      // caller fails the task), not the run — the server is up and other requests get through.
      if (isUnreadableAnswer(failure)) {
        throw new Error(
          `${target.model} gave an unreadable answer ${attemptNo + 1} time(s) (${describeError(failure)})`,
          { cause: failure },
        );
      }
      throw new SkillgradError(
        `could not reach ${target.model} at ${target.url} after ${attemptNo + 1} attempts: ${describeError(failure)}; check the server or try again later`,
        { cause: failure },
      );
    }
    state.retries += 1;
    await sleep(retryDelayMs(failure, attemptNo, policy, random), callerSignal);
  }
}

export function isRetryable(error: unknown): boolean {
  if (error instanceof AttemptTimeout) return true;
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === undefined) return error.isRetryable || hasNetworkCode(error);
    // A success status whose body could not be read or parsed (cut off, garbled on the way):
    // the server did its part, so asking again is safe (and, with our cache, costs nothing twice).
    if (status >= 200 && status < 300) return true;
    return status === 408 || status === 409 || status === 429 || status >= 500;
  }
  return hasNetworkCode(error);
}

function isUnreadableAnswer(error: unknown): boolean {
  const status = APICallError.isInstance(error) ? error.statusCode : undefined;
  return status !== undefined && status >= 200 && status < 300;
}

function hasNetworkCode(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) return true;
    current = current.cause;
  }
  return false;
}

/** The server's retry-after (ms), if it sent one we can read. */
export function retryAfterMs(error: unknown): number | undefined {
  if (!APICallError.isInstance(error) || !error.responseHeaders) return undefined;
  const headers = Object.fromEntries(
    Object.entries(error.responseHeaders).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const ms = Number.parseFloat(headers["retry-after-ms"] ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const header = headers["retry-after"];
  if (header === undefined) return undefined;
  const seconds = Number.parseFloat(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function retryDelayMs(
  error: unknown,
  attemptNo: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const asked = retryAfterMs(error);
  if (asked !== undefined) return Math.min(asked, MAX_RETRY_AFTER_MS);
  const exponential = policy.baseDelayMs * 2 ** attemptNo;
  return Math.min(policy.maxDelayMs, exponential * (0.5 + random()));
}

function describeError(error: unknown): string {
  const text = oneLine(errorMessage(error));
  if (APICallError.isInstance(error) && error.statusCode !== undefined)
    return `HTTP ${error.statusCode}: ${text}`;
  return text;
}

/** Provider messages can span lines and carry echoed keys: one masked line, cut to a readable length. */
function oneLine(text: string): string {
  const flat = String(maskSecrets(text)).replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

/**
 * Refusals that belong to one request, not to the setup: this conversation grew past the context
 * window, or this content was filtered. Any other 4xx would hit every later request the same way.
 */
const PER_REQUEST_REFUSAL =
  /context[ _-]?(length|window)|maximum context|prompt is too long|too many (input )?tokens|reduce the length|content[ _-]?(filter|policy|management)|invalid_prompt/i;

/**
 * A request the server refused for good. A systemic refusal (bad key, unknown model, a request shape
 * the server does not accept) becomes a SkillgradError: the run stops with what to check, keeping its
 * completed work. A refusal of this one request (see PER_REQUEST_REFUSAL) stays a plain Error: the
 * caller fails that task and goes on.
 */
function explainFinalError(error: unknown, target: CallTarget): unknown {
  if (!APICallError.isInstance(error) || error.statusCode === undefined) return error;
  const status = error.statusCode;
  const said = `${error.message} ${error.responseBody ?? ""}`;
  if (status >= 400 && status < 500 && status !== 413 && !PER_REQUEST_REFUSAL.test(said)) {
    const hint =
      status === 401 || status === 403
        ? `check ${target.keyVariable ?? "the API key"}`
        : status === 404
          ? "check the model name and base URL"
          : "check the model name, the base URL, and that the server accepts this request (tool calls, parameters)";
    return new SkillgradError(
      `${target.model} at ${target.url} refused the request (${describeError(error)}): ${hint}`,
      {
        cause: error,
      },
    );
  }
  return new Error(`${target.model} refused this request (${describeError(error)})`, { cause: error });
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
