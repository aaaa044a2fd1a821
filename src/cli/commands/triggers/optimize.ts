import { resolve } from "node:path";
import { UsageError } from "../../../errors.js";
import { createExecutor } from "../../../executor/index.js";
import type { ModelRole } from "../../../models/index.js";
import { writeReport } from "../../../runs/report/index.js";
import { createRunFolder, type RunFolder, recordEvent } from "../../../runs/run-folder.js";
import { loadLibrary } from "../../../triggers/library.js";
import { finishTriggerRun, type TriggerOptimizeSummary } from "../../../triggers/optimize/finish.js";
import { runTriggerLoop, type TriggerOptimizeSettings } from "../../../triggers/optimize/loop.js";
import { loadTriggerQueries } from "../../../triggers/queries.js";
import { splitQueries, type TriggerSplit } from "../../../triggers/split.js";
import { writeJsonAtomic } from "../../../util/fs.js";
import { resumeCommand, setInterruptNote } from "../../interrupt.js";
import {
  agentLimits,
  budgetOf,
  type HubConfig,
  hubConfig,
  refuseQueue,
  resumeRun,
  runHub,
} from "../../options/index.js";
import { isSimulated } from "../../output.js";
import { loadSkillOrExplain } from "../../skill-input.js";
import { stoppedRun } from "../../stopped-run.js";
import type { TriggerOptimizeCliOptions } from "./options.js";
import { prepare } from "./prepare.js";

/** Everything a trigger run needs to be resumed exactly, saved as its config.json (secrets masked). */
interface TriggerRunConfig extends HubConfig {
  command: "triggers optimize";
  skillDir: string;
  queries: string;
  testQueries: string | null;
  library: string | null;
  split: TriggerSplit;
  settings: TriggerOptimizeSettings;
  models: Record<ModelRole, string>;
}

/** `triggers optimize`: a new description optimization, or the one given to --resume. */
export async function triggersOptimize(
  options: TriggerOptimizeCliOptions,
  repeat: number,
): Promise<TriggerOptimizeSummary> {
  const started = Date.now();
  refuseQueue(options, "triggers optimize");
  const { folder, config } = options.resume
    ? await resumeRun<TriggerRunConfig>(options.resume, "triggers optimize", options)
    : await newTriggerRun(options, repeat);
  const queries = await loadTriggerQueries(config.queries);
  const testQueries = config.testQueries ? await loadTriggerQueries(config.testQueries) : undefined;
  const seedSkill = await loadSkillOrExplain(config.skillDir);
  const library = config.library ? await loadLibrary(config.library, seedSkill.name) : [];
  const hub = await runHub(config, folder, { checkRoles: ["executor", "diagnoser", "patcher"] });
  if (!options.json && !options.quiet) {
    process.stderr.write(
      `triggers optimize: ${seedSkill.name} among ${library.length} competing skills; ${config.split.train.length} training and ${config.split.heldout.length} held-out queries × ${config.settings.repeat}; executor ${config.settings.executor.kind}, model ${config.models.executor}, optimizer ${config.models.patcher}${isSimulated(config.models.executor) ? " — sim is an offline simulation" : ""}\nrun folder: ${folder.dir}${options.resume ? " (resumed)" : ""}\n`,
    );
  }
  const resume = resumeCommand(folder.dir).replace("optimize", "triggers optimize");
  setInterruptNote(`the run is saved; continue it with ${resume}`);
  const executor = await createExecutor(config.settings.executor, {
    hub,
    executorModel: config.models.executor,
  });
  try {
    await recordEvent(folder, { type: "optimize-start" });
    const input = {
      folder,
      hub,
      executor,
      executorModel: config.models.executor,
      seedSkillDir: config.skillDir,
      library,
      queries,
      split: config.split,
      ...(testQueries ? { testQueries } : {}),
      settings: config.settings,
      afterIteration: () => writeReport(folder.dir).then(() => undefined),
    };
    const state = await runTriggerLoop(input);
    const summary = await finishTriggerRun(input, state, started);
    await writeJsonAtomic(folder.summary, summary);
    await recordEvent(folder, { type: "optimize-done", status: summary.status });
    await writeReport(folder.dir);
    return summary;
  } catch (error) {
    throw await stoppedRun(error, folder.dir, `the completed work is kept: continue it with ${resume}`);
  } finally {
    await executor.close();
  }
}

/** A new trigger run: its config from the options, saved in a new run folder. */
async function newTriggerRun(
  options: TriggerOptimizeCliOptions,
  repeat: number,
): Promise<{ folder: RunFolder; config: TriggerRunConfig }> {
  const prepared = await prepare(options, ["executor", "diagnoser", "patcher"]);
  const queries = await loadTriggerQueries(options.queries as string);
  if (options.testQueries) await loadTriggerQueries(options.testQueries);
  if (options.holdout <= 0 || options.holdout >= 1)
    throw new UsageError("--holdout is the share of queries held out: give a number between 0 and 1");
  const settings: TriggerOptimizeSettings = {
    seed: options.seed,
    holdout: options.holdout,
    iterations: options.iterations,
    repeat,
    patience: options.patience,
    concurrency: options.concurrency,
    gate: options.gate,
    ...agentLimits(options),
    executor: prepared.choice,
  };
  const config: TriggerRunConfig = {
    command: "triggers optimize",
    skillDir: prepared.skill.dir,
    queries: resolve(options.queries as string),
    testQueries: options.testQueries ? resolve(options.testQueries) : null,
    library: prepared.libraryDir,
    split: splitQueries(queries, options.holdout, options.seed),
    settings,
    ...hubConfig(options, prepared.roles, prepared.config, budgetOf(options)),
    models: prepared.roles,
  };
  return { folder: await createRunFolder(resolve(options.runsDir), "triggers", config), config };
}
