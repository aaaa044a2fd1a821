import { resolve } from "node:path";
import { UsageError } from "../../../errors.js";
import type { ExecutorChoice } from "../../../executor/types.js";
import { checkModelCredentials, type ModelRole, resolveRoleModels } from "../../../models/index.js";
import type { Skill } from "../../../skill/index.js";
import { defaultLibraryDir, loadLibrary } from "../../../triggers/library.js";
import type { ConfigFile } from "../../config-file.js";
import { checkRunsOutsideSkill, configOf, executorChoice } from "../../options/index.js";
import { loadSkillOrExplain } from "../../skill-input.js";
import type { TriggerCliOptions } from "./options.js";

export interface Prepared {
  config: ConfigFile;
  roles: Record<ModelRole, string>;
  skill: Skill;
  library: Skill[];
  libraryDir: string | null;
  choice: ExecutorChoice;
}

/** What a new trigger run needs from its options: models, the skill, the competing skills, the executor. */
export async function prepare(
  options: TriggerCliOptions & { optimizerModel?: string },
  used: ModelRole[],
): Promise<Prepared> {
  if (options.skill === undefined) throw new UsageError("give the skill with --skill DIR");
  if (options.queries === undefined) throw new UsageError("give the trigger queries with --queries FILE");
  checkRunsOutsideSkill(options.skill, options);
  const config = configOf(options);
  const roles = resolveRoleModels({
    model: options.model,
    executorModel: options.executorModel,
    optimizerModel: options.optimizerModel,
    config: config.models,
  });
  checkModelCredentials(
    used.map((role) => roles[role]),
    process.env,
  );
  const skill = await loadSkillOrExplain(options.skill);
  const libraryDir = options.library === false ? null : resolve(options.library ?? defaultLibraryDir());
  const library = libraryDir ? await loadLibrary(libraryDir, skill.name) : [];
  return { config, roles, skill, library, libraryDir, choice: executorChoice(options, config) };
}
