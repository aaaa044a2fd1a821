import { Job, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { errorMessage, SkillgradError } from "../errors.js";
import type { Rollout, RolloutRequest, RolloutRunner } from "../eval/rollout.js";
import type { ExecutorKind, TaskRun } from "../executor/types.js";
import { needsJudge } from "../graders/index.js";
import {
  type Budget,
  BudgetExceededError,
  type LedgerEntry,
  ledgerEntrySchema,
  type ModelHub,
} from "../models/index.js";
import { skillHash } from "../skill/index.js";
import type { Task } from "../tasks/types.js";
import type { InputStore } from "./input-store.js";
import { packSkill, packTask, type SkillRef, type TaskRef } from "./inputs.js";
import {
  JOB_FORMAT,
  type JobHubSettings,
  jobIdFor,
  keyText,
  type RolloutJob,
  type RolloutKey,
  type RolloutResult,
  readFailure,
  rolloutResultSchema,
} from "./job.js";
import { bullConnection, PREFIX, QUEUE_NAME } from "./redis.js";
import type { RedisBudget } from "./shared-budget.js";
import { takeUnfinished } from "./unfinished.js";
import type { QueueAddress } from "./url.js";
import { listWorkers } from "./workers-list.js";

/** Finished jobs are kept this long, so a resumed run finds the rollouts it already has. */
const KEEP_FINISHED_SEC = 7 * 24 * 3600;
/** How long the queue may hold work with no worker connected before the coordinator says so. */
const NO_WORKER_NOTE_MS = 20_000;

export interface QueueRolloutsOptions {
  address: QueueAddress;
  redis: Redis;
  /** The run folder's id: with the skill version, task and repeat it keys every rollout. */
  runId: string;
  /** The coordinator's hub: workers' ledger lines are added to it (and so to the run's ledger). */
  hub: ModelHub;
  budget: RedisBudget;
  /** Where the run's inputs go for the workers: Redis, or a shared folder (--input-store). */
  store: InputStore;
  /** The run's budget, shared with every worker through Redis. */
  limits: Budget;
  models: { executor: string; judge?: string };
  executor: ExecutorKind;
  /** A benchmark whose grader the workers use (else each task's own grader spec). */
  benchmark?: string;
  cache: boolean;
  hubSettings: JobHubSettings;
  /** Folders never sent with a command grader's task folder (the runs and cache folders). */
  exclude: string[];
  /** One line for the user (stderr), e.g. that no worker is connected. */
  note(line: string): void;
}

interface Waiter {
  key: RolloutKey;
  resolve(result: RolloutResult): void;
  reject(error: Error): void;
}

/**
 * The coordinator's side of the queue: each rollout becomes one BullMQ job keyed by (run, skill
 * version, task, repeat), which the workers run; its result is taken once. A job that already has a
 * result (a rollout this run made before, also before a resume) is not run again, and the ledger
 * lines of each attempt are added to the run's ledger once, so a rollout retried after a worker
 * died is graded once and paid once.
 */
export class QueueRollouts implements RolloutRunner {
  readonly executorKind: string;
  /** Every rollout goes to the queue at once; the workers' slots decide how many run. */
  readonly inFlight = Number.POSITIVE_INFINITY;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly waiters = new Map<string, Waiter>();
  private readonly inProgress = new Map<string, Promise<RolloutResult>>();
  /** Attempts whose ledger lines are in the run's ledger (from the ledger itself on a resume). */
  private readonly accounted = new Set<string>();
  /** Jobs of this run noted in Redis (so a resumed coordinator knows them too), to remove when the run is done. */
  private readonly noted = new Set<string>();
  private readonly skills = new Map<string, Promise<SkillRef>>();
  private readonly tasks = new WeakMap<Task, Promise<TaskRef>>();
  private stopping: Error | undefined;
  private noWorkerSince: number | undefined;
  private readonly watch: NodeJS.Timeout;

  private constructor(private readonly options: QueueRolloutsOptions) {
    this.executorKind = options.executor;
    const connection = bullConnection(options.address);
    this.queue = new Queue(QUEUE_NAME, { connection, prefix: PREFIX });
    this.events = new QueueEvents(QUEUE_NAME, { connection, prefix: PREFIX });
    this.queue.on("error", () => {});
    this.events.on("error", () => {});
    for (const entry of options.hub.entries()) if (entry.rollout) this.accounted.add(entry.rollout.attempt);
    this.events.on("completed", ({ jobId, returnvalue }) => {
      this.finished(jobId, { returnvalue });
    });
    this.events.on("failed", ({ jobId, failedReason }) => {
      this.finished(jobId, { failedReason });
    });
    this.watch = setInterval(() => {
      this.checkWorkers().catch(() => undefined);
    }, 5000);
    this.watch.unref();
  }

  static async open(options: QueueRolloutsOptions): Promise<QueueRollouts> {
    const rollouts = new QueueRollouts(options);
    await Promise.all([rollouts.queue.waitUntilReady(), rollouts.events.waitUntilReady()]);
    const totals = options.hub.totals().total;
    await options.budget.start(options.limits, {
      started: totals.calls - totals.cachedCalls,
      costUsd: totals.knownCostUsd,
    });
    await rollouts.recordUnfinished();
    return rollouts;
  }

  async run(request: RolloutRequest): Promise<Rollout> {
    if (this.stopping) throw this.stopping;
    const key: RolloutKey = {
      run: this.options.runId,
      version: request.skill ? skillHash(request.skill) : "none",
      task: request.task.id,
      repeat: request.repeat,
    };
    const jobId = jobIdFor(key);
    if (!this.noted.has(jobId)) {
      this.noted.add(jobId);
      await this.options.redis
        .multi()
        .sadd(runJobsKey(this.options.runId), jobId)
        .expire(runJobsKey(this.options.runId), KEEP_FINISHED_SEC)
        .exec();
    }
    // the same rollout asked for twice at once is one job
    let outcome = this.inProgress.get(jobId);
    if (!outcome) {
      outcome = new Promise<RolloutResult>((resolve, reject) => {
        this.waiters.set(jobId, { key, resolve, reject });
      });
      this.inProgress.set(jobId, outcome);
      outcome.then(
        () => this.inProgress.delete(jobId),
        () => this.inProgress.delete(jobId),
      );
      try {
        await this.enqueue(jobId, key, request);
      } catch (error) {
        this.waiters.get(jobId)?.reject(error as Error);
        this.waiters.delete(jobId);
      }
    }
    return this.accept(key, await outcome, request);
  }

  /**
   * Adds the job, or finds it already there: waiting or running (its result will come), done (its
   * result is taken as it is), or failed (run again, with its inputs sent again).
   */
  private async enqueue(jobId: string, key: RolloutKey, request: RolloutRequest): Promise<void> {
    const state = await this.queue.getJobState(jobId);
    if (state === "completed" || state === "failed") {
      // a finished job no longer changes, so what is read now is its result
      const job = await Job.fromId(this.queue, jobId);
      if (job && state === "completed") return this.finished(jobId, { returnvalue: job.returnvalue });
      if (job) {
        await job.updateData(await this.jobData(key, request));
        if (this.stopping) throw this.stopping;
        await job.retry("failed");
        return;
      }
    } else if (state !== "unknown") {
      return;
    }
    const data = await this.jobData(key, request);
    if (this.stopping) throw this.stopping;
    // the queue's events are listened to since open(), so this job's end cannot be missed
    await this.queue.add("rollout", data, {
      jobId,
      attempts: 1,
      removeOnComplete: { age: KEEP_FINISHED_SEC },
      removeOnFail: { age: KEEP_FINISHED_SEC },
    });
  }

  private async jobData(key: RolloutKey, request: RolloutRequest): Promise<RolloutJob> {
    const { skill, task } = request;
    let skillRef: Promise<SkillRef> | undefined;
    if (skill) {
      skillRef = this.skills.get(key.version);
      if (!skillRef) {
        skillRef = packSkill(skill, this.options.store);
        this.skills.set(key.version, skillRef);
      }
    }
    let taskRef = this.tasks.get(task);
    if (!taskRef) {
      taskRef = packTask(task, this.options.store, { exclude: this.options.exclude });
      this.tasks.set(task, taskRef);
    }
    const { models } = this.options;
    return {
      format: JOB_FORMAT,
      key,
      inputs: this.options.store.kind,
      skill: skillRef ? await skillRef : null,
      task: await taskRef,
      models: {
        executor: models.executor,
        ...(models.judge && needsJudge(task.grader) ? { judge: models.judge } : {}),
      },
      executor: this.options.executor,
      ...(this.options.benchmark ? { benchmark: this.options.benchmark } : {}),
      sandbox: request.sandbox,
      trustGraders: request.trustGraders,
      maxTurns: request.maxTurns,
      commandTimeoutSec: request.commandTimeoutSec,
      taskTimeoutSec: request.taskTimeoutSec,
      cache: this.options.cache,
      hub: this.options.hubSettings,
    };
  }

  private finished(jobId: string, outcome: { returnvalue?: unknown; failedReason?: string }): void {
    const waiter = this.waiters.get(jobId);
    if (!waiter) return;
    this.waiters.delete(jobId);
    if (outcome.failedReason !== undefined) {
      const error = this.failure(waiter.key, outcome.failedReason);
      this.stop(error);
      // the failed attempt's paid calls (left in Redis before it failed) join the ledger before the
      // evaluation hears of the failure, so its summary counts them
      this.recordUnfinished()
        .catch((lost: unknown) =>
          this.options.note(
            `note: the ledger lines of a failed rollout could not be read (${errorMessage(lost)})`,
          ),
        )
        .then(() => waiter.reject(error));
      return;
    }
    const value =
      typeof outcome.returnvalue === "string" ? safeJson(outcome.returnvalue) : outcome.returnvalue;
    const parsed = rolloutResultSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? ` (${issue.path.join(".") || "top"}: ${issue.message})` : "";
      const error = new SkillgradError(
        `the result of ${keyText(waiter.key)} from the queue is not a rollout result${where}; a worker of another skillgrad version? run the same version everywhere`,
      );
      waiter.reject(error);
      this.stop(error);
      return;
    }
    waiter.resolve(parsed.data);
  }

  private failure(key: RolloutKey, reason: string): Error {
    const { kind, message } = readFailure(reason);
    if (kind === "budget:maxCostUsd") return new BudgetExceededError(message, "maxCostUsd");
    if (kind === "budget:maxCalls") return new BudgetExceededError(message, "maxCalls");
    if (kind === "refused") return new SkillgradError(`a worker refused task ${key.task}: ${message}`);
    return new SkillgradError(`task ${key.task} failed on a worker: ${message}`);
  }

  /**
   * After a systemic failure nothing new starts: rollouts still waiting in the queue are taken back
   * (their evaluation stops), those already running finish and are recorded, as in a local run.
   */
  private stop(error: Error): void {
    if (this.stopping) return;
    this.stopping = error;
    for (const [jobId, waiter] of this.waiters) {
      this.queue
        .remove(jobId)
        .then((removed) => {
          if (removed !== 1) return;
          this.waiters.delete(jobId);
          // the same error: the evaluation stops for the reason the first failure gave (a budget…)
          waiter.reject(error);
        })
        .catch(() => undefined);
    }
  }

  /** Records the result once: its attempt's ledger lines join the run's ledger only the first time. */
  private accept(key: RolloutKey, result: RolloutResult, request: RolloutRequest): Rollout {
    if (!this.accounted.has(result.attempt)) {
      this.accounted.add(result.attempt);
      const rollout = { key: keyText(key), attempt: result.attempt, worker: result.worker };
      this.options.hub.recordElsewhere(result.ledger.map((entry) => ({ ...entry, rollout })));
    }
    const run: TaskRun = {
      ...result.run,
      ...(result.run.error !== undefined ? { error: result.run.error } : {}),
      // the workspace stayed on the worker (and is gone): nothing to remove or keep here
      workspace: "",
      trajectory: result.run.trajectory as unknown as TaskRun["trajectory"],
    };
    if (run.taskId !== request.task.id || run.repeat !== request.repeat) {
      throw new SkillgradError(`the queue answered ${keyText(key)} with another rollout's result`);
    }
    return { run, grade: result.grade };
  }

  /** The ledger lines of attempts that failed on workers (paid calls) join the run's ledger. */
  private async recordUnfinished(): Promise<void> {
    const lines = await takeUnfinished(this.options.redis, this.options.runId);
    const entries: LedgerEntry[] = [];
    for (const line of lines) {
      const parsed = ledgerEntrySchema.safeParse(line);
      if (parsed.success) entries.push(parsed.data);
    }
    if (entries.length > 0) this.options.hub.recordElsewhere(entries);
  }

  private async checkWorkers(): Promise<void> {
    if (this.waiters.size === 0) {
      this.noWorkerSince = undefined;
      return;
    }
    const workers = await listWorkers(this.options.redis);
    if (workers.length > 0) {
      this.noWorkerSince = undefined;
      return;
    }
    this.noWorkerSince ??= Date.now();
    if (Date.now() - this.noWorkerSince >= NO_WORKER_NOTE_MS) {
      this.options.note(
        `no worker is connected to ${this.options.address.shown}: ${this.waiters.size} rollouts wait; start workers with skillgrad worker --queue URL`,
      );
      this.noWorkerSince = Date.now();
    }
  }

  /** A finished run leaves nothing in Redis but its inputs (shared by hash, they expire by themselves; a folder store's stay). */
  private async forgetRun(): Promise<void> {
    const { redis, runId } = this.options;
    for (const jobId of await redis.smembers(runJobsKey(runId))) {
      // a job still running (a worker that outlived its coordinator) stays until it expires
      await this.queue.remove(jobId).catch(() => undefined);
    }
    await redis.del(runJobsKey(runId));
    await this.options.budget.forget();
  }

  /**
   * Lets go of the queue. `runDone`: the run will not be resumed, so its jobs are removed from
   * Redis; otherwise they stay (for a week) for `--resume` to find.
   */
  async close(runDone: boolean): Promise<{ unaccountedUsd: number }> {
    clearInterval(this.watch);
    await this.recordUnfinished().catch((lost: unknown) =>
      this.options.note(
        `note: the ledger lines of failed rollouts could not be read (${errorMessage(lost)})`,
      ),
    );
    const everywhere = await this.options.budget.total().catch(() => undefined);
    if (runDone) {
      // the run's results are in its folder: a failure here only leaves jobs to expire in a week
      await this.forgetRun().catch((error: unknown) =>
        this.options.note(`note: the run's finished jobs stay in the queue for now (${errorMessage(error)})`),
      );
    }
    for (const waiter of this.waiters.values()) waiter.reject(new SkillgradError("the queue was closed"));
    this.waiters.clear();
    await this.events.close();
    await this.queue.close();
    const here = this.options.hub.totals().total.knownCostUsd;
    return { unaccountedUsd: everywhere ? Math.max(0, roundUsd(everywhere.costUsd - here)) : 0 };
  }
}

const runJobsKey = (run: string) => `${PREFIX}:run:${run}:jobs`;

function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
