import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { loadBenchmark } from "../benchmarks/registry.js";
import { errorMessage, SkillgradError } from "../errors.js";
import { gradeRun, type RolloutRequest } from "../eval/rollout.js";
import { createExecutor } from "../executor/index.js";
import type { Executor } from "../executor/types.js";
import { needsJudge } from "../graders/index.js";
import { BudgetExceededError, type LedgerEntry, ModelHub, type ModelRole } from "../models/index.js";
import { resolveSandboxMode } from "../sandbox/mode.js";
import { VERSION } from "../version.js";
import { BlobCache, InputRejected } from "./blobs.js";
import type { FolderInputStore } from "./folder-store.js";
import type { InputStore, InputStoreKind } from "./input-store.js";
import { type InputCache, unpackSkill, unpackTask } from "./inputs.js";
import {
  failureReason,
  JOB_FORMAT,
  keyText,
  type RolloutJob,
  type RolloutResult,
  rolloutJobSchema,
} from "./job.js";
import { bullConnection, PREFIX, QUEUE_NAME } from "./redis.js";
import { RedisInputStore } from "./redis-store.js";
import { RedisBudget } from "./shared-budget.js";
import { pushUnfinished } from "./unfinished.js";
import type { QueueAddress } from "./url.js";
import { type WorkerRecord, workerKey } from "./workers-list.js";

export interface WorkerOptions {
  address: QueueAddress;
  redis: Redis;
  /** Rollouts this worker runs at the same time. */
  concurrency: number;
  /** Where inputs (by hash) and model responses are cached. */
  cacheDir: string;
  /** The shared folder the coordinator puts inputs in (--input-store); without it, only Redis's. */
  inputStore?: FolderInputStore;
  /** How the worker shows in `skillgrad workers` (default host:pid). */
  name?: string;
  /** Take jobs that ask for no sandbox (the coordinator's --sandbox none); default: refuse them. */
  allowNoSandbox: boolean;
  /** Take jobs that run command graders on the host (the coordinator's --trust-graders); default: refuse them. */
  allowHostGraders: boolean;
  /** The external agent's program on this machine (claude, codex). */
  executorBin?: string;
  /** Seconds after which a rollout whose worker stopped answering goes to another worker. */
  stallTimeoutSec: number;
  log(line: string): void;
}

export interface RunningWorker {
  name: string;
  /** Stops taking jobs, waits for the running ones, and lets go of Redis. */
  close(): Promise<void>;
}

const HEARTBEAT_MS = 5000;

/**
 * A queue worker: takes rollout jobs one `concurrency` slot at a time and runs each through the same
 * executor, sandbox and grader code as a local run, then sends back the trajectory, the grade and
 * the ledger lines of its model calls. Inputs come by content hash and are checked; agent code runs
 * only in the sandbox unless the worker was started to allow otherwise.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const name = options.name ?? `${hostname()}:${process.pid}`;
  // fail closed before taking any job: no working sandbox, no worker (unless explicitly allowed)
  if (!options.allowNoSandbox) resolveSandboxMode("auto");
  // one local cache for both: what it holds is checked by hash, whichever store it came from
  const cacheFor = (store: InputStore): InputCache => ({
    blobs: new BlobCache(join(options.cacheDir, "blobs"), store),
    dir: join(options.cacheDir, "inputs"),
  });
  const caches: Partial<Record<InputStoreKind, InputCache>> = {
    redis: cacheFor(new RedisInputStore(options.redis)),
    ...(options.inputStore ? { folder: cacheFor(options.inputStore) } : {}),
  };
  await mkdir(options.cacheDir, { recursive: true });
  const workRoot = await mkdtemp(join(tmpdir(), "skillgrad-worker-"));
  const record: WorkerRecord = {
    name,
    host: hostname(),
    pid: process.pid,
    version: VERSION,
    concurrency: options.concurrency,
    running: 0,
    done: 0,
    failed: 0,
    startedAt: new Date().toISOString(),
    seenAt: new Date().toISOString(),
  };
  const beat = async () => {
    record.seenAt = new Date().toISOString();
    await options.redis.set(workerKey(name), JSON.stringify(record), "PX", HEARTBEAT_MS * 3);
  };
  await beat();
  const heartbeat = setInterval(() => {
    beat().catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const process1 = async (job: Job): Promise<RolloutResult> => {
    record.running += 1;
    try {
      const result = await runJob(job, name, options, caches, workRoot);
      record.done += 1;
      return result;
    } catch (error) {
      record.failed += 1;
      throw error;
    } finally {
      record.running -= 1;
    }
  };

  const worker = new Worker(QUEUE_NAME, process1, {
    connection: bullConnection(options.address),
    prefix: PREFIX,
    name,
    concurrency: options.concurrency,
    lockDuration: options.stallTimeoutSec * 1000,
    stalledInterval: options.stallTimeoutSec * 1000,
    // a job whose worker died goes back to the queue; a job that keeps killing workers fails
    maxStalledCount: 3,
  });
  worker.on("error", (error) => options.log(`queue error: ${errorMessage(error)}`));
  await worker.waitUntilReady();
  return {
    name,
    async close() {
      clearInterval(heartbeat);
      await worker.close();
      await options.redis.del(workerKey(name)).catch(() => undefined);
      await rm(workRoot, { recursive: true, force: true });
    },
  };
}

async function runJob(
  job: Job,
  name: string,
  options: WorkerOptions,
  caches: Partial<Record<InputStoreKind, InputCache>>,
  workRoot: string,
): Promise<RolloutResult> {
  const parsed = rolloutJobSchema.safeParse(job.data);
  if (!parsed.success) {
    const format = (job.data as { format?: unknown } | undefined)?.format;
    throw refuse(
      options,
      job,
      format === JOB_FORMAT
        ? "the job is malformed"
        : `the job is of format ${String(format)} and this worker (skillgrad ${VERSION}) reads format ${JOB_FORMAT}: run the same skillgrad version on the coordinator and the workers`,
    );
  }
  const data = parsed.data;
  const label = keyText(data.key);
  if (data.sandbox === "none" && !options.allowNoSandbox) {
    throw refuse(
      options,
      job,
      "the run asks for no sandbox (--sandbox none) and this worker runs agent code only in the sandbox; start the worker with --allow-no-sandbox to take such jobs",
    );
  }
  if (data.trustGraders && !options.allowHostGraders) {
    throw refuse(
      options,
      job,
      "the run asks to run command graders on the host (--trust-graders) and this worker does not; start the worker with --allow-host-graders to take such jobs",
    );
  }
  const cache = caches[data.inputs];
  if (!cache) {
    throw refuse(
      options,
      job,
      "the run's inputs are in a shared folder (--input-store) and this worker reads only Redis: start the worker with --input-store DIR, the folder the coordinator wrote to",
    );
  }
  const attempt = randomBytes(6).toString("hex");
  const ledger: LedgerEntry[] = [];
  const budget = new RedisBudget(options.redis, data.key.run);
  let executor: Executor | undefined;
  const workspaceRoot = join(workRoot, String(job.id));
  try {
    const [skill, task] = await Promise.all([
      data.skill ? unpackSkill(data.skill, cache) : Promise.resolve(undefined),
      unpackTask(data.task, cache),
    ]);
    const hub = workerHub(data, name, options, budget);
    hub.onCall((entry) => ledger.push(entry));
    executor = await createExecutor(
      { kind: data.executor, ...(options.executorBin ? { bin: options.executorBin } : {}) },
      { hub, executorModel: data.models.executor },
    );
    const request: RolloutRequest = {
      task,
      ...(skill ? { skill } : {}),
      workspaceRoot,
      repeat: data.key.repeat,
      sandbox: data.sandbox,
      trustGraders: data.trustGraders,
      maxTurns: data.maxTurns,
      commandTimeoutSec: data.commandTimeoutSec,
      taskTimeoutSec: data.taskTimeoutSec,
    };
    const benchmark = data.benchmark ? await loadBenchmark(data.benchmark) : undefined;
    const run = await executor.run(request);
    const grade = await gradeRun(run, request, {
      hub,
      ...(benchmark ? { grader: (t) => benchmark.grader(t) } : {}),
    });
    await budget.flushed();
    options.log(
      `${label}: ${grade.pass ? "pass" : "fail"} (${run.outcome}, ${run.trajectory.ms} ms, ${ledger.length} calls)`,
    );
    const { workspace: _workspace, ...rest } = run;
    return {
      format: JOB_FORMAT,
      attempt,
      worker: name,
      run: { ...rest, trajectory: run.trajectory as unknown as Record<string, unknown> },
      grade,
      ledger,
    };
  } catch (error) {
    await budget.flushed();
    // the calls this attempt paid for before it failed still reach the coordinator's ledger
    if (ledger.length > 0)
      await pushUnfinished(
        options.redis,
        data.key.run,
        { key: keyText(data.key), attempt, worker: name },
        ledger,
      );
    if (error instanceof InputRejected) throw refuse(options, job, error.message);
    const kind =
      error instanceof BudgetExceededError ? (`budget:${error.limit}` as const) : ("systemic" as const);
    options.log(`${label}: stopped: ${errorMessage(error)}`);
    throw new Error(failureReason(kind, errorMessage(error)));
  } finally {
    await executor?.close().catch(() => undefined);
    await rm(workspaceRoot, { recursive: true, force: true });
  }
}

function refuse(options: WorkerOptions, job: Job, why: string): Error {
  options.log(`refused job ${job.id}: ${why}`);
  return new Error(failureReason("refused", why));
}

/** The model hub of one rollout: the run's models and settings, this machine's keys and cache. */
function workerHub(data: RolloutJob, name: string, options: WorkerOptions, budget: RedisBudget): ModelHub {
  const roles: Partial<Record<ModelRole, string>> = { executor: data.models.executor };
  const checkRoles: ModelRole[] = ["executor"];
  if (data.models.judge) {
    roles.judge = data.models.judge;
    if (needsJudge(data.task.grader)) checkRoles.push("judge");
  }
  try {
    return new ModelHub({
      roles,
      checkRoles,
      cacheDir: join(options.cacheDir, "responses"),
      cache: data.cache,
      sharedBudget: budget,
      ...(data.hub as Record<string, unknown>),
    });
  } catch (error) {
    if (error instanceof SkillgradError) throw new SkillgradError(`on worker ${name}: ${error.message}`);
    throw error;
  }
}
