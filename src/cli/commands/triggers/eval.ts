import { resolve } from "node:path";
import { createExecutor } from "../../../executor/index.js";
import { writeReport } from "../../../runs/report/index.js";
import { createRunFolder } from "../../../runs/run-folder.js";
import { evaluateTriggers } from "../../../triggers/evaluate.js";
import { loadTriggerQueries } from "../../../triggers/queries.js";
import type { TriggerEvalSummary } from "../../../triggers/types.js";
import { writeJsonAtomic } from "../../../util/fs.js";
import { setInterruptNote, shownPath } from "../../interrupt.js";
import { agentLimits, executionSettings, hubConfig, refuseQueue, runHub } from "../../options/index.js";
import { isSimulated } from "../../output.js";
import { stoppedRun } from "../../stopped-run.js";
import type { TriggerCliOptions } from "./options.js";
import { prepare } from "./prepare.js";

/** `triggers eval`: every query run `repeat` times with the skill among its competitors. */
export async function triggersEval(
  options: TriggerCliOptions,
  repeat: number,
): Promise<TriggerEvalSummary & { runDir: string }> {
  refuseQueue(options, "triggers eval");
  const prepared = await prepare(options, ["executor"]);
  const queries = await loadTriggerQueries(options.queries as string);
  const { roles, skill, library, choice } = prepared;
  const folder = await createRunFolder(resolve(options.runsDir), "triggers", {
    command: "triggers eval",
    skill: { dir: skill.dir, name: skill.name },
    queries: resolve(options.queries as string),
    library: prepared.libraryDir,
    models: { executor: roles.executor },
    executor: choice,
    ...executionSettings(options),
    repeat,
    patience: options.patience,
    cache: options.cache,
  });
  const hub = await runHub(hubConfig(options, roles, prepared.config), folder, { checkRoles: ["executor"] });
  if (!options.json && !options.quiet) {
    process.stderr.write(
      `triggers eval: ${skill.name} among ${library.length} competing skills; ${queries.length} queries × ${repeat}; executor ${choice.kind}, model ${roles.executor}${isSimulated(roles.executor) ? " — sim is an offline simulation" : ""}\nrun folder: ${folder.dir}\n`,
    );
  }
  setInterruptNote(`the probes made so far are kept in ${shownPath(folder.dir)}`);
  const executor = await createExecutor(choice, { hub, executorModel: roles.executor });
  try {
    hub.setStage("probe");
    const { summary } = await evaluateTriggers({
      queries,
      skill,
      library,
      executor,
      executorModel: roles.executor,
      hub,
      folder,
      subdir: "",
      repeat,
      concurrency: options.concurrency,
      patience: options.patience,
      ...agentLimits(options),
    });
    const withDir = { runDir: folder.dir, ...summary };
    await writeJsonAtomic(folder.summary, withDir);
    await writeReport(folder.dir);
    return withDir;
  } catch (error) {
    throw await stoppedRun(error, folder.dir, `the probes made so far are kept in ${shownPath(folder.dir)}`);
  } finally {
    await executor.close();
  }
}
