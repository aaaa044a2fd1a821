import type { Redis } from "ioredis";
import { type Budget, checkBudget } from "../models/budget.js";
import type { LedgerEntry, SharedBudget } from "../models/index.js";
import { PREFIX } from "./redis.js";

/** How long a run's spend is kept after its last call (a resumed run sets it again from its ledger). */
const SPEND_TTL_SEC = 30 * 24 * 3600;

const spendKey = (run: string) => `${PREFIX}:run:${run}:spend`;
const budgetKey = (run: string) => `${PREFIX}:run:${run}:budget`;

// Checks the run's spend against its budget and, when there is room, counts one more call started:
// in one step, so two workers can never both take the last call.
const RESERVE = `
local started = tonumber(redis.call('HGET', KEYS[1], 'started') or '0')
local cost = tonumber(redis.call('HGET', KEYS[1], 'cost') or '0')
local maxCalls = redis.call('HGET', KEYS[2], 'maxCalls')
local maxCost = redis.call('HGET', KEYS[2], 'maxCostUsd')
if maxCalls and started >= tonumber(maxCalls) then return {'maxCalls', tostring(started), tostring(cost)} end
if maxCost and cost >= tonumber(maxCost) then return {'maxCostUsd', tostring(started), tostring(cost)} end
redis.call('HINCRBY', KEYS[1], 'started', 1)
redis.call('EXPIRE', KEYS[1], ARGV[1])
return {'ok'}
`;

// Raises the spend to at least the given figures (a resumed run's ledger), never lowers it.
const AT_LEAST = `
local started = tonumber(redis.call('HGET', KEYS[1], 'started') or '0')
local cost = tonumber(redis.call('HGET', KEYS[1], 'cost') or '0')
if tonumber(ARGV[1]) > started then redis.call('HSET', KEYS[1], 'started', ARGV[1]) end
if tonumber(ARGV[2]) > cost then redis.call('HSET', KEYS[1], 'cost', ARGV[2]) end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
`;

/**
 * A run's model calls and dollars counted in Redis by every process that works for it (the
 * coordinator and each worker), so its budget holds across all of them. A call is reserved before
 * it starts and its dollars are added when it ends; the dollar cap can be overshot by the calls
 * in flight when it is reached, as in a local run.
 */
export class RedisBudget implements SharedBudget {
  private pendingCost: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly redis: Redis,
    private readonly run: string,
  ) {}

  /** The coordinator sets the budget, and the spend so far (from its ledger), before any job runs. */
  async start(budget: Budget, spent: { started: number; costUsd: number }): Promise<void> {
    const key = budgetKey(this.run);
    const fields: Record<string, string> = {};
    if (budget.maxCalls !== undefined) fields.maxCalls = String(budget.maxCalls);
    if (budget.maxCostUsd !== undefined) fields.maxCostUsd = String(budget.maxCostUsd);
    const multi = this.redis.multi().del(key);
    if (Object.keys(fields).length > 0) multi.hset(key, fields).expire(key, SPEND_TTL_SEC);
    await multi.exec();
    await this.redis.eval(
      AT_LEAST,
      1,
      spendKey(this.run),
      String(spent.started),
      String(spent.costUsd),
      String(SPEND_TTL_SEC),
    );
  }

  async reserve(): Promise<void> {
    const reply = (await this.redis.eval(
      RESERVE,
      2,
      spendKey(this.run),
      budgetKey(this.run),
      String(SPEND_TTL_SEC),
    )) as string[];
    if (reply[0] === "ok") return;
    const budget = await this.budget();
    // the same error, and message, as a local run's budget check
    checkBudget(budget, { started: Number(reply[1]), costUsd: Number(reply[2]) });
  }

  spent(entry: LedgerEntry): void {
    if (!entry.costUsd) return;
    const add = this.redis.hincrbyfloat(spendKey(this.run), "cost", entry.costUsd);
    this.pendingCost = Promise.all([this.pendingCost, add]).catch(() => undefined);
  }

  /** Resolves when every cost told so far is in Redis. */
  flushed(): Promise<unknown> {
    return this.pendingCost;
  }

  async budget(): Promise<Budget> {
    const fields = await this.redis.hgetall(budgetKey(this.run));
    return {
      ...(fields.maxCalls !== undefined ? { maxCalls: Number(fields.maxCalls) } : {}),
      ...(fields.maxCostUsd !== undefined ? { maxCostUsd: Number(fields.maxCostUsd) } : {}),
    };
  }

  /** Removes the run's budget and spend (a finished run). */
  async forget(): Promise<void> {
    await this.redis.del(spendKey(this.run), budgetKey(this.run));
  }

  /** Calls started and dollars spent by every process of the run so far. */
  async total(): Promise<{ started: number; costUsd: number }> {
    const fields = await this.redis.hgetall(spendKey(this.run));
    return { started: Number(fields.started ?? 0), costUsd: Number(fields.cost ?? 0) };
  }
}
