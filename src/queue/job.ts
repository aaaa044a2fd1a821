import { z } from "zod";
import { ledgerEntrySchema } from "../models/index.js";
import { priceOverridesSchema } from "../models/prices.js";
import { sha256 } from "./blobs.js";
import { INPUT_STORE_KINDS } from "./input-store.js";
import { skillRefSchema, taskRefSchema } from "./inputs.js";

/** Bumped when a job's shape changes: a worker refuses jobs of another version. */
export const JOB_FORMAT = 2;

/** What makes a rollout one rollout: it is run, graded and paid for once per key. */
export interface RolloutKey {
  run: string;
  /** The skill version's content hash, or "none" for the no-skill baseline. */
  version: string;
  task: string;
  repeat: number;
}

export function keyText(key: RolloutKey): string {
  return `${key.run}/${key.version === "none" ? "none" : key.version.slice(0, 12)}/${key.task}/r${key.repeat}`;
}

/** The BullMQ job id of a rollout: the same key always gives the same job (BullMQ adds an id once). */
export function jobIdFor(key: RolloutKey): string {
  return `r-${sha256(JSON.stringify([key.run, key.version, key.task, key.repeat])).slice(0, 40)}`;
}

/** The model-hub settings a worker makes its hub with (the run's config file's, never keys). */
export const hubSettingsSchema = z.object({
  prices: priceOverridesSchema.optional(),
  concurrency: z.union([z.number(), z.record(z.string(), z.number())]).optional(),
  maxRetries: z.number().optional(),
  retryBaseDelayMs: z.number().optional(),
  timeoutMs: z.number().optional(),
  rateLimits: z.record(z.string(), z.unknown()).optional(),
});
export type JobHubSettings = z.infer<typeof hubSettingsSchema>;

export const rolloutJobSchema = z.object({
  format: z.literal(JOB_FORMAT),
  key: z.object({ run: z.string(), version: z.string(), task: z.string(), repeat: z.number() }),
  /** The kind of store the job's inputs are in (where it is, each worker is told itself). */
  inputs: z.enum(INPUT_STORE_KINDS),
  skill: skillRefSchema.nullable(),
  task: taskRefSchema,
  /** Model strings of the roles a rollout uses (keys stay on the worker, in its environment). */
  models: z.object({ executor: z.string(), judge: z.string().optional() }),
  executor: z.enum(["builtin", "claude-code", "codex"]),
  /** A benchmark whose grader grades the task (else the task's own grader spec). */
  benchmark: z.string().optional(),
  sandbox: z.enum(["auto", "bwrap", "none"]),
  trustGraders: z.boolean(),
  maxTurns: z.number(),
  commandTimeoutSec: z.number(),
  taskTimeoutSec: z.number(),
  cache: z.boolean(),
  hub: hubSettingsSchema,
});
export type RolloutJob = z.infer<typeof rolloutJobSchema>;

const gradeSchema = z.object({ pass: z.boolean(), score: z.number(), feedback: z.string() });

/** What a worker sends back: the run (its workspace stays on the worker), its grade and its calls. */
export const rolloutResultSchema = z.object({
  format: z.literal(JOB_FORMAT),
  /** This attempt at the job (a job retried after a worker died has another). */
  attempt: z.string(),
  worker: z.string(),
  run: z.object({
    taskId: z.string(),
    repeat: z.number(),
    answer: z.string(),
    outcome: z.enum(["answered", "gave-up", "max-turns", "timeout", "error"]),
    error: z.string().optional(),
    files: z.array(z.string()),
    trajectory: z.looseObject({}),
  }),
  grade: gradeSchema,
  ledger: z.array(ledgerEntrySchema),
});
export type RolloutResult = z.infer<typeof rolloutResultSchema>;

/**
 * Why a job failed, in the failed reason BullMQ keeps: "[skillgrad:KIND] message". Kinds: budget
 * (with the limit hit), refused (inputs failed their checks, or the worker's rules), systemic.
 */
export type FailureKind = "budget:maxCostUsd" | "budget:maxCalls" | "refused" | "systemic";

export function failureReason(kind: FailureKind, message: string): string {
  return `[skillgrad:${kind}] ${message}`;
}

export function readFailure(reason: string | undefined): { kind: FailureKind | "other"; message: string } {
  const match = /^\[skillgrad:([\w:]+)\] ([\s\S]*)$/.exec(reason ?? "");
  if (!match) return { kind: "other", message: reason || "the job failed" };
  return { kind: match[1] as FailureKind, message: match[2] as string };
}
