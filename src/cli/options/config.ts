import type { Command } from "commander";
import { type ConfigFile, readConfigFile, withRateFlags } from "../config-file.js";
import { positiveInt } from "../parse.js";

/** The config file and the flags that go over its entries. */
export interface ConfigOptions {
  config?: string;
  rpm?: number;
  tpm?: number;
}

export function addConfigOption(command: Command): Command {
  return command.option(
    "--config <file>",
    "JSON or YAML config: models per role, prices, concurrency, retries",
  );
}

export function addRateOptions(command: Command): Command {
  return command
    .option(
      "--rpm <n>",
      "requests per minute per provider: calls wait to stay under your quota (rateLimits in the config sets it per provider)",
      positiveInt,
    )
    .option(
      "--tpm <n>",
      "tokens per minute per provider (estimated before a call, corrected after)",
      positiveInt,
    );
}

/** The run's config: --config (or none), with --rpm / --tpm applied over its rate limits. */
export function configOf(options: ConfigOptions): ConfigFile {
  return withRateFlags(readConfigFile(options.config), options);
}
