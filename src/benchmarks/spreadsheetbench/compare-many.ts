import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type CompareOptions, type ComparisonResult, compareWorkbooks } from "./compare.js";

/** One comparison: an output against its gold workbook over an answer position. */
export interface CompareJob {
  goldPath: string;
  outputPath: string;
  answerPosition: string;
}

// Below this many jobs a worker's start-up (tens of milliseconds) costs more than it saves.
const MIN_JOBS_FOR_WORKERS = 16;
const JOBS_PER_WORKER = 8;
const MAX_WORKERS = 8;

const WORKER_FILE = fileURLToPath(new URL("./compare-worker.js", import.meta.url));

/**
 * Worker threads for `jobs` comparisons: one per core that is idle (by the load average) besides
 * this thread's. On a machine whose cores are all busy, threads only add their start-up cost.
 */
function defaultWorkers(jobs: number): number {
  const cores = availableParallelism();
  const idle = Math.floor(cores - (loadavg()[0] ?? 0));
  return Math.max(0, Math.min(idle, cores - 1, Math.floor(jobs / JOBS_PER_WORKER), MAX_WORKERS));
}

/**
 * Runs many comparisons, spread over the machine's idle cores: worker threads take jobs one at a time
 * from a shared queue while this thread works through it too. Results come back in job order.
 * When run from TypeScript sources (tests), or for few jobs, everything runs in this thread.
 */
export async function compareMany(
  jobs: readonly CompareJob[],
  options: CompareOptions & { workers?: number } = {},
): Promise<ComparisonResult[]> {
  const results: ComparisonResult[] = new Array(jobs.length);
  const workerCount =
    options.workers ??
    (jobs.length < MIN_JOBS_FOR_WORKERS || !import.meta.url.endsWith(".js")
      ? 0
      : defaultWorkers(jobs.length));
  const { workers: _ignored, ...compareOptions } = options;
  let next = 0;
  const take = () => (next < jobs.length ? next++ : undefined);

  const inWorker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(WORKER_FILE, { workerData: compareOptions });
      let current: number | undefined;
      const feed = () => {
        current = take();
        if (current === undefined) {
          void worker.terminate().then(() => resolve());
          return;
        }
        worker.postMessage({ index: current, job: jobs[current] });
      };
      worker.on("message", (message: { index: number; result: ComparisonResult }) => {
        results[message.index] = message.result;
        feed();
      });
      worker.once("online", feed);
      worker.once("error", reject);
      worker.once("exit", (code) => {
        if (current !== undefined && results[current] === undefined) {
          reject(
            new Error(`a grading worker stopped (exit ${code}) while comparing ${jobs[current]?.outputPath}`),
          );
        }
      });
    });

  const inThisThread = async (): Promise<void> => {
    for (let index = take(); index !== undefined; index = take()) {
      const job = jobs[index] as CompareJob;
      results[index] = await compareWorkbooks(
        job.goldPath,
        job.outputPath,
        job.answerPosition,
        compareOptions,
      );
      // Let the workers' messages in between two comparisons, so they are fed without waiting.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  await Promise.all([...Array.from({ length: Math.max(0, workerCount) }, inWorker), inThisThread()]);
  return results;
}
