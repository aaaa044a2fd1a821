import { rm } from "node:fs/promises";
import { join } from "node:path";
import { once } from "../../runs/once.js";
import { loadSkill } from "../../skill/index.js";
import { evaluateTriggers } from "../evaluate.js";
import type { TriggerQuery } from "../types.js";
import type { EvaluationFile, TriggerOptimizeInput } from "./loop.js";

/** Where a trigger run keeps a version of the skill: skills/<version>/<skill name>/. */
export function versionSkillDir(runDir: string, skillName: string, version: string): string {
  return join(runDir, "skills", version, skillName);
}

/**
 * A version's triggering on one query set, evaluated once (versions/<version>/<set>/evaluation.json):
 * a resumed run reads it back. Probes of the test queries count as the "test" stage, the others as "probe".
 */
export function evaluateTriggerVersion(
  input: TriggerOptimizeInput,
  skillDir: string,
  version: string,
  set: "train" | "heldout" | "test",
  queries: TriggerQuery[],
): Promise<EvaluationFile> {
  const { folder, hub, settings } = input;
  const subdir = join("versions", version, set);
  return once(join(folder.dir, subdir, "evaluation.json"), async (): Promise<EvaluationFile> => {
    await rm(join(folder.dir, subdir), { recursive: true, force: true });
    hub.setStage(set === "test" ? "test" : "probe");
    return evaluateTriggers({
      queries,
      skill: await loadSkill(skillDir),
      library: input.library,
      executor: input.executor,
      executorModel: input.executorModel,
      hub,
      folder,
      subdir,
      repeat: settings.repeat,
      concurrency: settings.concurrency,
      patience: settings.patience,
      sandbox: settings.sandbox,
      maxTurns: settings.maxTurns,
      commandTimeoutSec: settings.commandTimeoutSec,
      taskTimeoutSec: settings.taskTimeoutSec,
    });
  });
}
