import { existsSync } from "node:fs";
import { SkillgradError } from "../../errors.js";
import { type RunFolder, runFolderAt } from "../../runs/run-folder.js";
import { readJsonFileSync, writeJsonAtomic } from "../../util/fs.js";
import { maskSecrets, restoreMaskedModels } from "../../util/secrets.js";
import { withRateFlags } from "../config-file.js";
import { type BudgetOptions, budgetGiven, resumedBudget } from "./budget.js";
import type { ConfigOptions } from "./config.js";
import type { HubConfig } from "./hub.js";
import type { ModelOptions } from "./models.js";

/** What a resumed run may be given again: the models whose credentials its config keeps masked, a new budget, new rate limits. */
export interface ResumeOptions extends ModelOptions, BudgetOptions, Pick<ConfigOptions, "rpm" | "tpm"> {
  optimizerModel?: string;
}

/**
 * The run folder given to --resume and its config.json, checked to be a run of `command`, with what
 * this command line gives again applied: masked model credentials restored, and a run stopped by
 * its budget can go on with a larger one, under a new quota (both saved for the next resume).
 */
export async function resumeRun<T extends HubConfig & { command: string }>(
  dir: string,
  command: T["command"],
  options: ResumeOptions,
): Promise<{ folder: RunFolder; config: T }> {
  const folder = runFolderAt(dir);
  if (!existsSync(folder.config))
    throw new SkillgradError(
      `${dir} is not a run folder (no config.json): pass the folder printed when the run started`,
    );
  const config = readJsonFileSync<T>(
    folder.config,
    "the run's config",
    "restore it from a backup, or start a new run (the response cache makes repeated calls free)",
  );
  if (config?.command !== command)
    throw new SkillgradError(
      `${dir} ${config?.command ? `was made by skillgrad ${config.command}` : `is not a ${command} run`}; only a run of skillgrad ${command} resumes with skillgrad ${command} --resume`,
    );
  config.models = restoreMaskedModels(
    config.models as Record<string, string>,
    [options.model, options.executorModel, options.optimizerModel],
    dir,
  );
  config.budget = resumedBudget(config.budget, options);
  config.configFile = withRateFlags(config.configFile, options);
  if (budgetGiven(options) || options.rpm !== undefined || options.tpm !== undefined)
    await writeJsonAtomic(folder.config, maskSecrets(config));
  return { folder, config };
}
