/**
 * Every event a run writes to events.jsonl, one typed union shared by the writers (the optimize loop,
 * evaluate) and the readers (live progress, the report). Readers get `ts` too, and must tolerate
 * lines of other types (a newer skillgrad may add some).
 */

/** A stage of an optimize run, as "stage" events and ledger lines name it. */
export type StageName = "validate" | "base" | "execute" | "diagnose" | "momentum" | "patch" | "gate";

export type RunEvent =
  | { type: "optimize-start" }
  | { type: "optimize-done"; status: string }
  | { type: "stage"; stage: StageName; iteration?: number; version?: string; items?: number }
  | { type: "train-set"; size: number; from: string; basePassRate: number }
  | { type: "iteration-done"; iteration: number; failures: number; batch: number; version: string }
  | { type: "stopped"; reason: string }
  | { type: "eval-start"; subdir: string; tasks: number; runs: number }
  | {
      type: "task-done";
      subdir: string;
      taskId: string;
      repeat: number;
      pass: boolean;
      done: number;
      total: number;
    }
  | { type: "eval-stopped"; reason: string; done: number; total: number }
  | { type: "eval-done"; subdir: string; passRate: number }
  | { type: "judge-start"; pairs: number; seed: number }
  | { type: "judge-done"; winRateB: number | null }
  | { type: "triggers-start"; subdir: string; queries: number; runs: number }
  | {
      type: "probe-done";
      subdir: string;
      queryId: string;
      repeat: number;
      triggered: boolean;
      done: number;
      total: number;
    }
  | { type: "triggers-done"; subdir: string; f1: number | null }
  | {
      type: "trigger-stage";
      stage: "seed" | "diagnose" | "patch" | "evaluate";
      iteration?: number;
      version?: string;
    }
  | {
      type: "trigger-iteration-done";
      iteration: number;
      version: string;
      accepted: boolean;
      heldoutF1: number;
    };

/** An event as read back from events.jsonl: a known event with its time, or a line of another type. */
export type RunEventRecord = (RunEvent | { type: string; [key: string]: unknown }) & {
  ts?: string;
  [key: string]: unknown;
};
