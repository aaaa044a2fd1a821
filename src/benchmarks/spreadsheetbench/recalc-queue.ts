import { type RecalcBatch, RecalcError, recalculateMany } from "./recalc.js";

/** A recalculated copy handed out by RecalcQueue; release it when graded (its batch folder goes when all are). */
export interface QueuedRecalc {
  copy: string;
  release(): Promise<void>;
}

interface Waiting {
  path: string;
  resolve: (result: QueuedRecalc) => void;
  reject: (error: unknown) => void;
}

/**
 * Recalculates workbooks for graders that run one task at a time (eval, optimize): requests that
 * arrive while LibreOffice is busy wait and then go together in one LibreOffice start, so under load
 * the start-up cost (seconds) is paid once per batch instead of once per file, and a lone request
 * starts at once. At most `parallel` LibreOffice processes run, each with at most `maxBatch` files.
 */
export class RecalcQueue {
  private readonly waiting: Waiting[] = [];
  private running = 0;
  /** LibreOffice batches started so far (each is one LibreOffice start, plus retries of files that failed in it). */
  batches = 0;

  constructor(private readonly options: { maxBatch?: number; parallel?: number; timeoutMs?: number } = {}) {}

  /** Resolves to the recalculated copy, or rejects with the RecalcError of this file. */
  recalculate(path: string): Promise<QueuedRecalc> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ path, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < (this.options.parallel ?? 2) && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch ?? 8);
      this.running++;
      this.batches++;
      void this.run(batch).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    let result: RecalcBatch;
    try {
      result = await recalculateMany(
        batch.map((item) => item.path),
        { timeoutMs: this.options.timeoutMs },
      );
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    let outstanding = batch.length;
    const release = async () => {
      outstanding--;
      if (outstanding === 0) await result.dispose();
    };
    batch.forEach((item, i) => {
      const copy = result.results[i];
      if (typeof copy === "string") {
        let released = false;
        item.resolve({
          copy,
          release: async () => {
            if (released) return;
            released = true;
            await release();
          },
        });
      } else {
        void release();
        item.reject(copy ?? new RecalcError(`LibreOffice wrote no recalculated copy of ${item.path}`));
      }
    });
  }
}

/** The queue the benchmark's grader uses: one per process. */
export const recalcQueue = new RecalcQueue();
