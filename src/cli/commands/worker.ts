import { homedir, hostname } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { setInterruptNote } from "../interrupt.js";
import { positiveInt, positiveNumber } from "../parse.js";

interface WorkerCliOptions {
  queue: string;
  concurrency: number;
  cacheDir?: string;
  inputStore?: string;
  name?: string;
  allowNoSandbox: boolean;
  allowHostGraders: boolean;
  executorBin?: string;
  stallTimeout: number;
  quiet: boolean;
}

/** Where a worker caches inputs and model responses: --cache-dir, else the user's cache folder. */
function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "skillgrad", "worker");
}

export function register(program: Command): void {
  program
    .command("worker")
    .description("take rollout jobs from a Redis queue and run them (for eval and optimize --queue)")
    .requiredOption(
      "--queue <url>",
      "the coordinator's Redis: redis://host[:port][/db] (user:password@host to log in), or rediss:// for TLS",
    )
    .option("--concurrency <n>", "rollouts this worker runs at the same time", positiveInt, 4)
    .option(
      "--cache-dir <dir>",
      "cache of inputs (by content hash) and model responses (default: ~/.cache/skillgrad/worker)",
    )
    .option(
      "--input-store <dir>",
      "the shared folder the coordinator puts inputs in (eval/optimize --input-store), as mounted here; without it the worker takes only runs whose inputs are in Redis",
    )
    .option("--name <name>", "how this worker shows in skillgrad workers (default: host:pid)")
    .option(
      "--allow-no-sandbox",
      "also take jobs of runs with --sandbox none (default: refuse them; agent code runs only in the sandbox)",
      false,
    )
    .option(
      "--allow-host-graders",
      "also take jobs of runs with --trust-graders, whose command graders run on this machine (default: refuse them)",
      false,
    )
    .option(
      "--executor-bin <path>",
      "the external agent's program on this machine (claude, codex; default: found on PATH)",
    )
    .option(
      "--stall-timeout <s>",
      "seconds without a sign of life after which a rollout of a stopped worker goes to another worker",
      positiveNumber,
      30,
    )
    .option("--quiet", "print nothing but errors")
    .addHelpText(
      "after",
      [
        "",
        "A worker runs each rollout (one task × one skill version × one repeat) with the same executor,",
        "sandbox and grader code as a local run, and sends back the trajectory, the grade and the ledger",
        "lines of its model calls. Model keys come from this machine's environment (OPENAI_API_KEY, …);",
        "skill versions and task files come by content hash from Redis (or the --input-store folder) and",
        "are checked before use.",
        "SIGTERM stops taking jobs and finishes the running ones; Ctrl-C stops at once, and the running",
        "rollouts go to another worker after --stall-timeout.",
        "",
        "Example (offline; `sim` is a simulation, not a language model):",
        "  skillgrad worker --queue redis://127.0.0.1:6379 --concurrency 4",
        "  skillgrad eval --bench sim --model sim --queue redis://127.0.0.1:6379",
      ].join("\n"),
    )
    .action(async (options: WorkerCliOptions) => {
      // loaded here, not at start-up: Redis, BullMQ and the executors are needed only by a running worker
      await import("../../sim/index.js");
      const { loadQueue } = await import("../../queue/load.js");
      const { connectRedis, FolderInputStore, parseQueueUrl, startWorker } = await loadQueue();
      const address = parseQueueUrl(options.queue);
      const inputStore = options.inputStore
        ? await FolderInputStore.forReading(options.inputStore)
        : undefined;
      const redis = await connectRedis(address);
      const say = (line: string) => {
        if (!options.quiet) process.stderr.write(`${line}\n`);
      };
      const name = options.name ?? `${hostname()}:${process.pid}`;
      const worker = await startWorker({
        address,
        redis,
        concurrency: options.concurrency,
        cacheDir: resolve(options.cacheDir ?? defaultCacheDir()),
        ...(inputStore ? { inputStore } : {}),
        name,
        allowNoSandbox: options.allowNoSandbox,
        allowHostGraders: options.allowHostGraders,
        ...(options.executorBin ? { executorBin: options.executorBin } : {}),
        stallTimeoutSec: options.stallTimeout,
        log: (line) => say(`worker ${name}: ${line}`),
      }).catch((error: unknown) => {
        redis.disconnect();
        throw error;
      });
      setInterruptNote(`its running rollouts go to another worker after ${options.stallTimeout} s`);
      say(
        `worker ${worker.name}: taking rollouts from ${address.shown} (concurrency ${options.concurrency}${inputStore ? `; inputs also from ${inputStore.dir}` : ""}); SIGTERM finishes the running ones and stops`,
      );
      await new Promise<void>((done) => process.once("SIGTERM", () => done()));
      say(`worker ${worker.name}: stopping after the running rollouts`);
      await worker.close();
      redis.disconnect();
    });
}
