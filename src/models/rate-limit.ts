import type { LanguageModelV3CallOptions } from "@ai-sdk/provider";
import { SkillgradError } from "../errors.js";

/** A provider's quota: requests and tokens per minute. Either may be left out. */
export interface RateLimit {
  rpm?: number;
  tpm?: number;
}

export interface RateClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: RateClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** One request counted in the window: when it was sent and the tokens it is charged. */
interface Sent {
  at: number;
  tokens: number;
}

/** A request let through; `settle` replaces its estimated tokens with what the provider reported. */
export interface RateTicket {
  /** When the request was let through. */
  at: number;
  settle(tokens: number): void;
}

/**
 * Keeps one endpoint under its requests-per-minute and tokens-per-minute quota by waiting before a
 * request, never by failing it. The window slides (the last `windowMs`). Tokens are estimated
 * before a request (see estimateTokens) and corrected once the usage is known. A request estimated
 * at more than the whole tpm goes when the window is empty, so it waits but is never stuck.
 */
export class RateLimiter {
  private readonly sent: Sent[] = [];
  private readonly clock: RateClock;
  /** Total milliseconds callers have waited, for the record. */
  waitedMs = 0;

  constructor(
    readonly limit: RateLimit,
    options: { clock?: RateClock; windowMs?: number } = {},
  ) {
    for (const [name, value] of Object.entries(limit)) {
      if (value !== undefined && !(Number.isInteger(value) && value > 0))
        throw new SkillgradError(`invalid ${name} ${value}: use a whole number above 0`);
    }
    this.clock = options.clock ?? realClock;
    this.windowMs = options.windowMs ?? 60_000;
  }

  private readonly windowMs: number;

  /** Waits until a request of `tokens` fits the quota, then counts it. */
  async acquire(tokens: number): Promise<RateTicket> {
    for (;;) {
      const wait = this.waitFor(tokens);
      if (wait <= 0) break;
      this.waitedMs += wait;
      await this.clock.sleep(wait);
    }
    const entry: Sent = { at: this.clock.now(), tokens };
    this.sent.push(entry);
    return {
      at: entry.at,
      settle: (actual) => {
        entry.tokens = Math.max(0, actual);
      },
    };
  }

  /** Milliseconds until a request of `tokens` fits (0 = now). Checked and counted with no await between. */
  private waitFor(tokens: number): number {
    const now = this.clock.now();
    while (this.sent.length > 0 && (this.sent[0] as Sent).at <= now - this.windowMs) this.sent.shift();
    const freeAt = (index: number) => (this.sent[index] as Sent).at + this.windowMs - now;
    let wait = 0;
    const { rpm, tpm } = this.limit;
    if (rpm !== undefined && this.sent.length >= rpm) wait = freeAt(this.sent.length - rpm);
    if (tpm !== undefined && this.sent.length > 0) {
      // drop the oldest requests until this one fits (or the window is empty)
      let used = this.sent.reduce((sum, s) => sum + s.tokens, 0);
      let index = 0;
      while (used + tokens > tpm && index < this.sent.length) {
        used -= (this.sent[index] as Sent).tokens;
        index++;
      }
      if (index > 0) wait = Math.max(wait, freeAt(index - 1));
    }
    return Math.max(0, Math.ceil(wait));
  }
}

/**
 * Tokens a request will be charged, before it is sent: about 4 characters per token of everything
 * sent (prompt and tool definitions), plus the output it may produce. Providers count the output
 * limit against the quota; without one, the output is guessed small and corrected after the call.
 */
export function estimateTokens(params: LanguageModelV3CallOptions): number {
  const sent = JSON.stringify(params.prompt).length + JSON.stringify(params.tools ?? []).length;
  return Math.ceil(sent / 4) + (params.maxOutputTokens ?? 256);
}
