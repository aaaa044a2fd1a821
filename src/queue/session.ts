import type { Redis } from "ioredis";
import type { ModelHub } from "../models/index.js";
import { QueueRollouts, type QueueRolloutsOptions } from "./coordinator.js";
import { FolderInputStore } from "./folder-store.js";
import type { InputStore } from "./input-store.js";
import { connectRedis } from "./redis.js";
import { RedisInputStore } from "./redis-store.js";
import { RedisBudget } from "./shared-budget.js";
import { parseQueueUrl, type QueueAddress } from "./url.js";

/**
 * What eval and optimize need from `--queue URL [--input-store DIR]`: the connection, the store the
 * run's inputs go to, the run's shared budget, the rollouts.
 */
export class QueueSession {
  private readonly budgets = new Map<string, RedisBudget>();
  private rollouts: QueueRollouts | undefined;

  private constructor(
    readonly address: QueueAddress,
    readonly redis: Redis,
    readonly store: InputStore,
  ) {}

  /** The shared folder the run's inputs go to (--input-store, absolute), if not Redis. */
  get inputFolder(): string | undefined {
    return this.store instanceof FolderInputStore ? this.store.dir : undefined;
  }

  /**
   * Checks the URL, that Redis answers and that the input folder (if any) takes files, each with
   * one clear line if not, before any run folder is made.
   */
  static async open(url: string, options: { inputStore?: string } = {}): Promise<QueueSession> {
    const address = parseQueueUrl(url);
    const folder = options.inputStore ? await FolderInputStore.forWriting(options.inputStore) : undefined;
    const redis = await connectRedis(address);
    return new QueueSession(address, redis, folder ?? new RedisInputStore(redis));
  }

  /** The run's spend across all its processes, for the coordinator's hub. */
  budget(runId: string): RedisBudget {
    let budget = this.budgets.get(runId);
    if (!budget) {
      budget = new RedisBudget(this.redis, runId);
      this.budgets.set(runId, budget);
    }
    return budget;
  }

  async openRollouts(
    options: Omit<QueueRolloutsOptions, "address" | "redis" | "budget" | "store"> & { hub: ModelHub },
  ): Promise<QueueRollouts> {
    this.rollouts = await QueueRollouts.open({
      ...options,
      address: this.address,
      redis: this.redis,
      store: this.store,
      budget: this.budget(options.runId),
    });
    return this.rollouts;
  }

  /**
   * Lets go of Redis. `runDone`: the run is finished, so its jobs are removed. Returns a note when
   * dollars were spent on the run's behalf that are not in its ledger (workers that died mid-rollout).
   */
  async close(runDone: boolean): Promise<string | undefined> {
    try {
      const { unaccountedUsd } = this.rollouts ? await this.rollouts.close(runDone) : { unaccountedUsd: 0 };
      if (unaccountedUsd > 0)
        return `note: $${unaccountedUsd.toFixed(4)} was spent by worker attempts that did not finish (a worker stopped mid-rollout); those calls are not in the run's ledger`;
      return undefined;
    } finally {
      this.redis.disconnect();
    }
  }
}
