import { readFileSync } from "node:fs";
import YAML from "yaml";
import { z } from "zod";
import { SkillgradError } from "../errors.js";
import { EXECUTOR_KINDS, type ExecutorKind } from "../executor/types.js";
import { modelsConfigSchema, priceOverridesSchema } from "../models/index.js";

/** The optional config file (`--config FILE`, JSON or YAML): models per role, prices, concurrency, retries. */
export const configFileSchema = z
  .object({
    models: modelsConfigSchema.optional(),
    prices: priceOverridesSchema.optional(),
    concurrency: z
      .union([z.number().int().positive(), z.record(z.string(), z.number().int().positive())])
      .optional(),
    /** Retries of a failed model call (429, 5xx, network), and the first backoff delay. */
    maxRetries: z.number().int().min(0).optional(),
    retryBaseDelayMs: z.number().min(0).optional(),
    /** Seconds one model call may take before it is retried. */
    callTimeoutSec: z.number().positive().optional(),
    /** Requests and tokens per minute, by endpoint, provider or "default": calls wait to stay under. */
    rateLimits: z
      .record(
        z.string(),
        z
          .object({
            rpm: z.number().int().positive().optional(),
            tpm: z.number().int().positive().optional(),
          })
          .strict(),
      )
      .optional(),
    /** The agent that runs tasks (--executor), and its program (--executor-bin). */
    executor: z
      .string()
      .refine((kind) => EXECUTOR_KINDS.includes(kind as ExecutorKind), {
        message: `expected one of ${EXECUTOR_KINDS.join(", ")}`,
      })
      .transform((kind) => kind as ExecutorKind)
      .optional(),
    executorBin: z.string().min(1).optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;

export function readConfigFile(path: string | undefined): ConfigFile {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new SkillgradError(`cannot read config file ${path}: check the path given to --config`);
  }
  let data: unknown;
  try {
    data = YAML.parse(text);
  } catch (error) {
    throw new SkillgradError(
      `config file ${path} is not valid JSON or YAML: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  const parsed = configFileSchema.safeParse(data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SkillgradError(
      `config file ${path}: ${issue?.path.join(".") || "top level"}: ${issue?.message}; allowed keys: models, prices, concurrency, maxRetries, retryBaseDelayMs, callTimeoutSec, rateLimits, executor, executorBin`,
    );
  }
  return parsed.data;
}

/** The model hub settings a config file may give. */
export function hubSettings(config: ConfigFile) {
  return {
    prices: config.prices,
    concurrency: config.concurrency,
    maxRetries: config.maxRetries,
    retryBaseDelayMs: config.retryBaseDelayMs,
    timeoutMs: config.callTimeoutSec === undefined ? undefined : config.callTimeoutSec * 1000,
    rateLimits: config.rateLimits,
  };
}

/**
 * The config with `--rpm` / `--tpm` applied: a flag sets that limit for every provider (over the
 * config file's entries), so the run keeps it when it is resumed.
 */
export function withRateFlags(config: ConfigFile, flags: { rpm?: number; tpm?: number }): ConfigFile {
  const given = {
    ...(flags.rpm !== undefined ? { rpm: flags.rpm } : {}),
    ...(flags.tpm !== undefined ? { tpm: flags.tpm } : {}),
  };
  if (Object.keys(given).length === 0) return config;
  const entries = { ...config.rateLimits };
  for (const key of Object.keys(entries)) entries[key] = { ...entries[key], ...given };
  entries.default = { ...entries.default, ...given };
  return { ...config, rateLimits: entries };
}
