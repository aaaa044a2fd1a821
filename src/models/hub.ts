import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3Middleware,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { wrapLanguageModel } from "ai";
import pLimit, { type LimitFunction } from "p-limit";
import { errorMessage, SkillgradError, storageError } from "../errors.js";
import { type Budget, checkBudget } from "./budget.js";
import { cacheKey, type ModelIdentity, ResponseCache } from "./cache.js";
import { addToTotals, type LedgerEntry, type LedgerTotals, LedgerWriter, summarizeLedger } from "./ledger.js";
import { costOf, type Price, type PriceOverrides, priceFor, type TokenCounts } from "./prices.js";
import {
  checkModelCredentials,
  createProviderModel,
  type Env,
  type ProviderRecord,
  providerFor,
} from "./providers/index.js";
import {
  estimateTokens,
  type RateClock,
  type RateLimit,
  RateLimiter,
  type RateTicket,
} from "./rate-limit.js";
import { callWithRetries, type RetryDeps, type RetryPolicy } from "./retry.js";
import { MODEL_ROLES, type ModelRole } from "./roles.js";
import { type ModelSpec, parseModelSpec } from "./spec.js";

export const HUB_DEFAULTS = {
  maxRetries: 4,
  retryBaseDelayMs: 1000,
  retryMaxDelayMs: 60_000,
  timeoutMs: 120_000,
  /** Parallel calls per provider endpoint; the offline simulation is not limited. */
  concurrency: 8,
} as const;

export interface ModelHubOptions {
  /** The model string per role (see resolveRoleModels); `model(role)` fails for a role left out. */
  roles: Partial<Record<ModelRole, string>>;
  /** Roles whose API keys are checked when the hub is built (default: every role given). */
  checkRoles?: readonly ModelRole[];
  /** Where keys and base URLs are read from; defaults to process.env. */
  env?: Env;
  /** Response cache folder. Without one nothing is cached. */
  cacheDir?: string;
  /** false turns the cache off (`--no-cache`); default true when cacheDir is given. */
  cache?: boolean;
  /** ledger.jsonl to append one line per call to. */
  ledgerPath?: string;
  /** Entries already in the ledger of a resumed run: they count toward totals and budgets. */
  priorEntries?: LedgerEntry[];
  /** Prices by model string, over the built-in list prices. */
  prices?: PriceOverrides;
  maxRetries?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Per attempt, in ms. */
  timeoutMs?: number;
  /**
   * Parallel calls per endpoint. A number applies to every provider except those that keep their own
   * (sim). A record is looked up by endpoint ("openai@https://api.openai.com/v1"), then provider
   * ("openai", "ollama", "sim"), then "default".
   */
  concurrency?: Record<string, number> | number;
  budget?: Budget;
  /** A budget shared with other processes (queue workers): asked before, and told after, every paid call. */
  sharedBudget?: SharedBudget;
  /** Builds the bare model for a spec; defaults to createProviderModel. Tests inject mocks here. */
  createModel?: (spec: ModelSpec, env: Env) => LanguageModelV3;
  /** For tests: how to wait between retries. */
  retryDeps?: RetryDeps;
  /**
   * Requests and tokens per minute per endpoint, so runs stay under the user's quota by waiting.
   * Looked up like `concurrency`: by endpoint ("openai@https://api.openai.com/v1"), then provider,
   * then "default". No entry: no limit.
   */
  rateLimits?: Record<string, RateLimit>;
  /** For tests: the rate limiter's clock and window. */
  rateClock?: RateClock;
  rateWindowMs?: number;
}

export type CallListener = (entry: LedgerEntry) => void;

/**
 * The dollars and calls of one run counted across processes (src/queue keeps them in Redis), so
 * `--max-cost` and `--max-calls` hold across every worker.
 * Contract: `reserve` resolves before a paid call may start, or rejects with a BudgetExceededError
 * when the run's budget is spent; `spent` is told each paid call this hub made (cache hits are free).
 */
export interface SharedBudget {
  reserve(): Promise<void>;
  spent(entry: LedgerEntry): void;
}

interface Endpoint {
  spec: ModelSpec;
  identity: ModelIdentity;
  price: Price | null;
  limit: LimitFunction;
  rate?: RateLimiter;
  keyVariable?: string;
  /** The retry policy of its calls (the provider may need a longer attempt than the hub's default). */
  policy: RetryPolicy;
}

/**
 * The one place every LLM call goes through: `hub.model(role)` is the role's provider model wrapped
 * with the response cache, a per-endpoint concurrency limit, a timeout, retries with backoff, budget
 * caps and the ledger. Only `doGenerate` is supported: callers use generateText with maxRetries: 0.
 */
export class ModelHub {
  private readonly env: Env;
  private readonly cache?: ResponseCache;
  private readonly ledger?: LedgerWriter;
  private readonly policy: RetryPolicy;
  private readonly limiters = new Map<string, LimitFunction>();
  private readonly rateLimiters = new Map<string, RateLimiter | undefined>();
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly models = new Map<ModelRole, LanguageModelV3>();
  private readonly listeners = new Set<CallListener>();
  private readonly entryLog: LedgerEntry[] = [];
  private stage: string | undefined;
  private readonly inflight = new Map<string, Promise<LanguageModelV3GenerateResult>>();
  private readonly runningTotals: LedgerTotals;
  private callsStarted: number;

  constructor(private readonly options: ModelHubOptions) {
    this.env = options.env ?? process.env;
    const checked = (options.checkRoles ?? MODEL_ROLES).flatMap((role) => options.roles[role] ?? []);
    checkModelCredentials(checked, this.env);
    if (options.cache !== false && options.cacheDir) this.cache = new ResponseCache(options.cacheDir);
    if (options.ledgerPath) this.ledger = new LedgerWriter(options.ledgerPath);
    this.policy = {
      maxRetries: options.maxRetries ?? HUB_DEFAULTS.maxRetries,
      baseDelayMs: options.retryBaseDelayMs ?? HUB_DEFAULTS.retryBaseDelayMs,
      maxDelayMs: options.retryMaxDelayMs ?? HUB_DEFAULTS.retryMaxDelayMs,
      timeoutMs: options.timeoutMs ?? HUB_DEFAULTS.timeoutMs,
    };
    const prior = options.priorEntries ?? [];
    this.entryLog.push(...prior);
    this.runningTotals = summarizeLedger(prior);
    this.callsStarted = prior.filter((entry) => !entry.cacheHit).length;
    if (options.budget?.maxCostUsd !== undefined) this.requirePrices();
  }

  /** The model a role calls: a LanguageModelV3 for generateText. */
  model(role: ModelRole): LanguageModelV3 {
    const existing = this.models.get(role);
    if (existing) return existing;
    const text = this.options.roles[role];
    if (!text) {
      throw new SkillgradError(
        `no model chosen for the ${role}: pass --model (or a model for that role), or set models.default in the config`,
      );
    }
    const spec = parseModelSpec(text);
    const endpoint = this.endpointFor(spec);
    const bare = (this.options.createModel ?? createProviderModel)(spec, this.env);
    const wrapped = wrapLanguageModel({ model: bare, middleware: this.middleware(role, endpoint) });
    this.models.set(role, wrapped);
    return wrapped;
  }

  /** Running totals of this hub's calls (plus priorEntries). */
  totals(): LedgerTotals {
    return structuredClone(this.runningTotals);
  }

  /** Every ledger entry so far, oldest first. */
  entries(): readonly LedgerEntry[] {
    return [...this.entryLog];
  }

  /** Calls `listener` after every model call (for progress); returns a function that unsubscribes. */
  onCall(listener: CallListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private requirePrices(): void {
    for (const text of new Set(Object.values(this.options.roles))) {
      if (text && priceFor(text, this.options.prices) === null) {
        throw new SkillgradError(
          `cannot enforce a dollar budget: no price is known for ${text}; add it under "prices" in the config ({"${text}": {"input": …, "cachedInput": …, "output": …}} in USD per million tokens)`,
        );
      }
    }
  }

  private endpointFor(spec: ModelSpec): Endpoint {
    const known = this.endpoints.get(spec.raw);
    if (known) return known;
    const record = providerFor(spec);
    const baseURL = record.baseURL(spec, this.env);
    const limiterKey = `${spec.provider}@${baseURL}`;
    let limit = this.limiters.get(limiterKey);
    if (!limit) {
      limit = pLimit(this.concurrencyFor(limiterKey, spec.provider, record.concurrency));
      this.limiters.set(limiterKey, limit);
    }
    if (!this.rateLimiters.has(limiterKey)) {
      const all = this.options.rateLimits ?? {};
      const quota = all[limiterKey] ?? all[spec.provider] ?? all.default;
      const options = { clock: this.options.rateClock, windowMs: this.options.rateWindowMs };
      this.rateLimiters.set(limiterKey, quota ? new RateLimiter(quota, options) : undefined);
    }
    const endpoint: Endpoint = {
      spec,
      identity: { provider: spec.provider, modelId: spec.modelId, baseURL },
      price: priceFor(spec, this.options.prices),
      limit,
      rate: this.rateLimiters.get(limiterKey),
      keyVariable: record.key?.variable,
      policy:
        this.options.timeoutMs === undefined && record.timeoutMs !== undefined
          ? { ...this.policy, timeoutMs: record.timeoutMs }
          : this.policy,
    };
    this.endpoints.set(spec.raw, endpoint);
    return endpoint;
  }

  private concurrencyFor(limiterKey: string, provider: string, own: ProviderRecord["concurrency"]): number {
    const setting = this.options.concurrency;
    const fallback = own?.default ?? HUB_DEFAULTS.concurrency;
    if (setting === undefined) return fallback;
    if (typeof setting === "number") return own?.ownConcurrency ? fallback : validConcurrency(setting);
    const chosen = setting[limiterKey] ?? setting[provider] ?? setting.default;
    return chosen === undefined ? fallback : validConcurrency(chosen);
  }

  private middleware(role: ModelRole, endpoint: Endpoint): LanguageModelV3Middleware {
    return {
      specificationVersion: "v3",
      wrapGenerate: ({ params, model }) => {
        const { label, rest } = takeCallLabel(params);
        return this.generate(role, endpoint, model, rest, label);
      },
      wrapStream: async () => {
        throw new SkillgradError(
          "streaming is not supported by skillgrad's model layer: call generateText (with maxRetries: 0), not streamText",
        );
      },
    };
  }

  private async generate(
    role: ModelRole,
    endpoint: Endpoint,
    model: LanguageModelV3,
    params: LanguageModelV3CallOptions,
    label: string | undefined,
  ): Promise<LanguageModelV3GenerateResult> {
    const key = this.cache ? cacheKey(endpoint.identity, params) : undefined;
    if (this.cache && key) {
      const readStart = Date.now();
      const hit = (await this.cache.get(key)) ?? (await this.sameCallInFlight(key));
      if (hit) {
        const tokens = tokenCounts(hit.usage);
        this.record({
          ...base(role, endpoint, readStart, label, key),
          cacheHit: true,
          costUsd: 0,
          savedTokens: {
            input: tokens.inputTokens,
            cachedInput: tokens.cachedInputTokens,
            output: tokens.outputTokens,
            reasoning: tokens.reasoningTokens,
          },
          savedCostUsd: costOf(tokens, endpoint.price),
          ...toolCallsOf(hit),
        });
        return hit;
      }
    }
    const call = this.paidCall(role, endpoint, model, params, key, label);
    if (!key) return call;
    // nothing awaited since the in-flight check, so no identical call can slip in between
    this.inflight.set(key, call);
    try {
      return await call;
    } finally {
      this.inflight.delete(key);
    }
  }

  /** An identical call already on its way is waited for, not made twice (undefined if none, or if it failed). */
  private async sameCallInFlight(key: string): Promise<LanguageModelV3GenerateResult | undefined> {
    for (;;) {
      const pending = this.inflight.get(key);
      if (!pending) return undefined;
      const result = await pending.catch(() => undefined);
      if (result) return result;
      if (this.inflight.get(key) === pending) return undefined;
    }
  }

  private paidCall(
    role: ModelRole,
    endpoint: Endpoint,
    model: LanguageModelV3,
    params: LanguageModelV3CallOptions,
    key: string | undefined,
    label: string | undefined,
  ): Promise<LanguageModelV3GenerateResult> {
    return endpoint.limit(async () => {
      checkBudget(this.options.budget, {
        started: this.callsStarted,
        costUsd: this.runningTotals.total.knownCostUsd,
      });
      this.callsStarted += 1;
      if (this.options.sharedBudget) {
        try {
          await this.options.sharedBudget.reserve();
        } catch (error) {
          this.callsStarted -= 1;
          throw error;
        }
      }
      const start = Date.now();
      const state = { retries: 0 };
      const target = {
        model: endpoint.spec.raw,
        url: endpoint.identity.baseURL,
        keyVariable: endpoint.keyVariable,
      };
      let result: LanguageModelV3GenerateResult;
      const rate = endpoint.rate;
      let ticket: RateTicket | undefined;
      try {
        const sent = withoutSalt(params);
        const estimate = rate ? estimateTokens(sent) : 0;
        result = await callWithRetries(
          (signal) => model.doGenerate({ ...sent, abortSignal: signal }),
          target,
          endpoint.policy,
          state,
          params.abortSignal,
          {
            ...this.options.retryDeps,
            // every attempt counts against the quota; a failed one keeps its estimate
            ...(rate
              ? {
                  beforeAttempt: async () => {
                    ticket = await rate.acquire(estimate);
                  },
                }
              : {}),
          },
        );
      } catch (error) {
        this.record({
          ...base(role, endpoint, start, label, key),
          retries: state.retries,
          error: errorMessage(error),
        });
        throw error;
      }
      const tokens = tokenCounts(result.usage);
      ticket?.settle(tokens.inputTokens + tokens.outputTokens);
      const recordPaid = () => {
        const entry: LedgerEntry = {
          ...base(role, endpoint, start, label, key),
          inputTokens: tokens.inputTokens,
          cachedInputTokens: tokens.cachedInputTokens,
          cacheWriteTokens: tokens.cacheWriteTokens,
          outputTokens: tokens.outputTokens,
          reasoningTokens: tokens.reasoningTokens,
          costUsd: costOf(tokens, endpoint.price),
          retries: state.retries,
          ...toolCallsOf(result),
        };
        this.record(entry);
        this.options.sharedBudget?.spent(entry);
      };
      // Cache first, then the ledger, in one synchronous step after the cache file is in place: a run
      // killed around it repeats no call (the answer is kept), and its ledger line is all but never lost.
      // An answer the model itself flagged as an error is not worth replaying.
      if (this.cache && key && result.finishReason.unified !== "error") {
        await this.cache.put(key, endpoint.spec.raw, result, recordPaid).catch((error: unknown) => {
          throw storageError(error) ?? error;
        });
      } else recordPaid();
      return result;
    });
  }

  /**
   * Records the work of an agent that called its provider itself (an external executor with its own
   * key: the hub never saw those calls), so totals, the ledger and budgets count it. One entry per
   * agent run; `calls` of them count toward a call budget.
   */
  recordExternal(
    role: ModelRole,
    usage: {
      model: string;
      label: string;
      calls: number;
      inputTokens: number;
      cachedInputTokens: number;
      cacheWriteTokens?: number;
      outputTokens: number;
      reasoningTokens?: number;
      /** null when the price is unknown. */
      costUsd: number | null;
      ms: number;
    },
  ): void {
    this.callsStarted += usage.calls;
    this.record({
      ts: new Date(Date.now() - usage.ms).toISOString(),
      role,
      label: usage.label,
      model: usage.model,
      inputTokens: usage.inputTokens,
      cachedInputTokens: usage.cachedInputTokens,
      cacheWriteTokens: usage.cacheWriteTokens ?? 0,
      outputTokens: usage.outputTokens,
      reasoningTokens: usage.reasoningTokens ?? 0,
      costUsd: usage.costUsd,
      ms: usage.ms,
      retries: 0,
      cacheHit: false,
    });
  }

  /** What tokens of a model (a model string) cost at the hub's prices (config overrides first); null when unknown. */
  costFor(model: string, tokens: TokenCounts): number | null {
    return costOf(tokens, priceFor(model, this.options.prices));
  }

  /** Throws BudgetExceededError when the budget is spent: checked before work the hub cannot see. */
  checkBudget(): void {
    checkBudget(this.options.budget, {
      started: this.callsStarted,
      costUsd: this.runningTotals.total.knownCostUsd,
    });
  }

  /**
   * Tags the calls that follow with a stage of the run (the optimizer's stages run one after
   * another), so the ledger can say what each stage cost.
   */
  setStage(stage: string | undefined): void {
    this.stage = stage;
  }

  /**
   * Calls made on this run's behalf in another process (a queue worker's rollout): counted in the
   * totals and budgets, tagged with the current stage and written to the ledger like this hub's own.
   * They were told to the shared budget where they were made, so not again here.
   */
  recordElsewhere(entries: readonly LedgerEntry[]): void {
    for (const entry of entries) {
      if (!entry.cacheHit) this.callsStarted += 1;
      this.record({ ...entry });
    }
  }

  private record(entry: LedgerEntry): void {
    if (this.stage) entry.stage = this.stage;
    this.entryLog.push(entry);
    addToTotals(this.runningTotals, entry);
    try {
      this.ledger?.append(entry);
    } catch (error) {
      // a full disk is systemic, not this call's failure: SkillgradError stops the run
      throw storageError(error, undefined, this.ledger?.path.replace(/\/[^/]*$/, "")) ?? error;
    }
    for (const listener of this.listeners) listener(entry);
  }
}

/**
 * `providerOptions.skillgrad` is ours: it is part of the cache key but never sent. Callers put e.g.
 * `{skillgrad: {sample: 2}}` there to get an independent answer for a repeated identical prompt.
 */
export const CACHE_SALT_NAMESPACE = "skillgrad";

function withoutSalt(params: LanguageModelV3CallOptions): LanguageModelV3CallOptions {
  if (!params.providerOptions || !(CACHE_SALT_NAMESPACE in params.providerOptions)) return params;
  const { [CACHE_SALT_NAMESPACE]: _salt, ...providerOptions } = params.providerOptions;
  return { ...params, providerOptions };
}

/**
 * `providerOptions.skillgradCall.label` names one call in the ledger (`skillgrad serve` puts its
 * request id there, to tie each HTTP request to the call it caused). Unlike the cache salt it is
 * neither part of the cache key nor sent.
 */
export const CALL_LABEL_NAMESPACE = "skillgradCall";

function takeCallLabel(params: LanguageModelV3CallOptions): {
  label: string | undefined;
  rest: LanguageModelV3CallOptions;
} {
  if (!params.providerOptions || !(CALL_LABEL_NAMESPACE in params.providerOptions)) {
    return { label: undefined, rest: params };
  }
  const { [CALL_LABEL_NAMESPACE]: tag, ...providerOptions } = params.providerOptions;
  const label = typeof tag?.label === "string" ? tag.label : undefined;
  const rest = {
    ...params,
    providerOptions: Object.keys(providerOptions).length > 0 ? providerOptions : undefined,
  };
  return { label, rest };
}

/** The tools an answer called, for its ledger line (nothing when it called none). */
function toolCallsOf(result: LanguageModelV3GenerateResult): { toolCalls?: string[] } {
  const names = result.content.flatMap((part) => (part.type === "tool-call" ? [part.toolName] : []));
  return names.length > 0 ? { toolCalls: names } : {};
}

/** A ledger entry with nothing spent yet; `ms` runs from `start` to now. */
function base(role: ModelRole, endpoint: Endpoint, start: number, label?: string, key?: string): LedgerEntry {
  return {
    ...(label === undefined ? {} : { label }),
    ...(key === undefined ? {} : { request: key.slice(0, 16) }),
    ts: new Date(start).toISOString(),
    role,
    model: endpoint.spec.raw,
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    ms: Date.now() - start,
    retries: 0,
    cacheHit: false,
  };
}

/** Flattens the SDK's nested usage; providers leave fields undefined when they do not report them. */
export function tokenCounts(usage: LanguageModelV3Usage): TokenCounts & { reasoningTokens: number } {
  const cachedInputTokens = usage.inputTokens.cacheRead ?? 0;
  const cacheWriteTokens = usage.inputTokens.cacheWrite ?? 0;
  const reasoningTokens = usage.outputTokens.reasoning ?? 0;
  return {
    inputTokens:
      usage.inputTokens.total ?? (usage.inputTokens.noCache ?? 0) + cachedInputTokens + cacheWriteTokens,
    cachedInputTokens,
    cacheWriteTokens,
    outputTokens: usage.outputTokens.total ?? (usage.outputTokens.text ?? 0) + reasoningTokens,
    reasoningTokens,
  };
}

function validConcurrency(value: number): number {
  if (value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 1)) return value;
  throw new SkillgradError(`invalid concurrency ${value}: use a whole number of at least 1`);
}
