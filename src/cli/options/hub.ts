import { ModelHub, type ModelHubOptions, type ModelRole, readLedger } from "../../models/index.js";
import type { RunFolder } from "../../runs/run-folder.js";
import { type ConfigFile, hubSettings } from "../config-file.js";
import type { RunBudget } from "./budget.js";
import { cacheDirFor, type RunFolderOptions } from "./run-folder.js";

/** What makes a run's model hub, as the run's config keeps it, so that a resumed run makes the same hub. */
export interface HubConfig {
  models: Partial<Record<ModelRole, string>>;
  configFile: ConfigFile;
  budget: RunBudget;
  cache: boolean;
  cacheDir: string;
}

/** The hub config a new run's options give. */
export function hubConfig(
  options: RunFolderOptions,
  models: HubConfig["models"],
  configFile: ConfigFile,
  budget: RunBudget = {},
): HubConfig {
  return {
    models,
    configFile,
    budget,
    cache: options.cache,
    cacheDir: cacheDirFor(options),
  };
}

/**
 * The model hub of a run: its calls go to the run folder's ledger, and the calls a resumed run made
 * before (the ledger's entries) count toward its totals and budget.
 */
export async function runHub(
  config: HubConfig,
  folder: RunFolder,
  more: Pick<ModelHubOptions, "checkRoles" | "sharedBudget">,
): Promise<ModelHub> {
  return new ModelHub({
    roles: config.models,
    cacheDir: config.cacheDir,
    cache: config.cache,
    ledgerPath: folder.ledger,
    priorEntries: await readLedger(folder.ledger),
    ...hubSettings(config.configFile),
    budget: config.budget,
    ...more,
  });
}
