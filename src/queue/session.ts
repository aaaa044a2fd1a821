import type { Redis } from "ioredis";
import type { ModelHub } from "../models/index.js";
import { QueueRollouts, type QueueRolloutsOptions } from "./coordinator.js";
import { connectRedis } from "./redis.js";
import { RedisBudget } from "./shared-budget.js";
import { parseQueueUrl, type QueueAddress } from "./url.js";

/** What eval and optimize need from `--queue URL`: the connection, the run's shared budget, the rollouts. */
export class QueueSession {
  private readonly budgets = new Map<string, RedisBudget>();
  private rollouts: QueueRollouts | undefined;

  private constructor(
    readonly address: QueueAddress,
    readonly redis: Redis,
  ) {}

  /** Checks the URL and that Redis answers (one clear line if not), before any run folder is made. */
  static async open(url: string): Promise<QueueSession> {
    const address = parseQueueUrl(url);
    return new QueueSession(address, await connectRedis(address));
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
    options: Omit<QueueRolloutsOptions, "address" | "redis" | "budget"> & { hub: ModelHub },
  ): Promise<QueueRollouts> {
    this.rollouts = await QueueRollouts.open({
      ...options,
      address: this.address,
      redis: this.redis,
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
