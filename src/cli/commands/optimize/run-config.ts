import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "../../../errors.js";
import { needsJudge } from "../../../graders/index.js";
import {
  checkModelCredentials,
  MODEL_ROLES,
  type ModelRole,
  resolveRoleModels,
} from "../../../models/index.js";
import { DEFAULT_SETTINGS } from "../../../optimizer/optimize.js";
import type { OptimizeSettings } from "../../../optimizer/types.js";
import type { RunFolder } from "../../../runs/run-folder.js";
import {
  incompleteTaskIds,
  loadSplit,
  makeSplit,
  parseSplitSpec,
  type SplitManifest,
} from "../../../tasks/split.js";
import type { Task } from "../../../tasks/types.js";
import { defaultLibraryDir } from "../../../triggers/library.js";
import { loadTriggerQueries } from "../../../triggers/queries.js";
import { splitQueries, type TriggerSplit } from "../../../triggers/split.js";
import {
  budgetOf,
  checkRunsOutsideSkill,
  configOf,
  executionSettings,
  executorChoice,
  type HubConfig,
  hubConfig,
  loadTaskSource,
  resumeRun,
  type TaskSource,
  taskSourceOf,
} from "../../options/index.js";
import { loadSkillOrExplain } from "../../skill-input.js";
import type { OptimizeCliOptions } from "./options.js";

/** Everything a run needs to be resumed exactly, saved as the run's config.json (secrets masked). */
export interface OptimizeRunConfig extends HubConfig {
  command: "optimize";
  skillDir: string;
  source: TaskSource;
  split: SplitManifest;
  settings: OptimizeSettings;
  /** The model per role; `judge` only when a task is graded by llm-judge. */
  models: Record<Exclude<ModelRole, "judge">, string> & { judge?: string };
  writeBack: boolean;
  /** A feedback.json from a report's review mode (--feedback): human evidence for the diagnoser. */
  feedback?: string;
  /** Joint optimization (--trigger-queries): the query file, the competing skills, rollouts, the split. */
  triggers?: { queries: string; library: string; repeat: number; split: TriggerSplit };
  /** The queue the rollouts went to (--queue), credentials masked. */
  queue?: string;
  /** The shared folder the rollouts' inputs went to (--input-store), for --resume. */
  inputStore?: string;
}

/** The config of the run given to --resume; a resumed run keeps what it started with. */
export async function resumedRunConfig(
  options: OptimizeCliOptions & { resume: string },
): Promise<{ folder: RunFolder; config: OptimizeRunConfig }> {
  if (options.executor !== undefined || options.executorBin !== undefined)
    throw new UsageError(
      "a resumed run keeps the executor it started with: leave out --executor and --executor-bin",
    );
  if (options.feedback !== undefined)
    throw new UsageError("a resumed run keeps the feedback it started with: leave out --feedback");
  if (options.triggerQueries !== undefined || options.triggerLibrary !== undefined)
    throw new UsageError(
      "a resumed run keeps the trigger queries it started with: leave out --trigger-queries and --trigger-library",
    );
  return resumeRun<OptimizeRunConfig>(options.resume, "optimize", options);
}

/** A new run's config, from the command line (and the config file). */
export async function newRunConfig(options: OptimizeCliOptions): Promise<OptimizeRunConfig> {
  if (options.triggerQueries === undefined && options.triggerLibrary !== undefined)
    throw new UsageError("--trigger-library goes with --trigger-queries");
  const given = taskSourceOf(options);
  const sourceSpec: TaskSource =
    "tasks" in given
      ? { tasks: resolve(given.tasks) }
      : { bench: given.bench, ...(given.data !== undefined ? { data: resolve(given.data) } : {}) };
  const source = await loadTaskSource(sourceSpec);
  const skillDir = options.skill ? resolve(options.skill) : source.benchmark?.seedSkill;
  if (!skillDir) throw new UsageError("give the seed skill with --skill DIR");
  if (!options.skill && !options.json && !options.quiet)
    process.stderr.write(`using the benchmark's seed skill ${skillDir}\n`);
  checkRunsOutsideSkill(skillDir, options);
  await loadSkillOrExplain(skillDir);
  const configFile = configOf(options);
  // a judge is needed only when a task's own grader is llm-judge (a benchmark brings its own grader)
  const judged = !source.benchmark && source.tasks.some((task) => needsJudge(task.grader));
  const models = resolveRoleModels({
    model: options.model,
    executorModel: options.executorModel,
    optimizerModel: options.optimizerModel,
    judgeModel: options.judgeModel,
    config: configFile.models,
    needed: judged ? MODEL_ROLES : MODEL_ROLES.filter((role) => role !== "judge"),
  }) as OptimizeRunConfig["models"];
  checkModelCredentials(Object.values(models), process.env);
  const manifest = await splitFor(
    options.split,
    source.tasks,
    source.benchmark?.name ?? "tasks",
    options.seed,
  );
  const paper = manifest.protocol === "paper";
  const settings: OptimizeSettings = {
    ...DEFAULT_SETTINGS,
    trainFrom: options.trainFrom,
    trainSize:
      paper && manifest.params ? Math.min(options.trainSize, manifest.params.trainSize) : options.trainSize,
    batchSize: options.batchSize,
    epochs: options.epochs,
    ...(options.iterations ? { maxIterations: options.iterations } : {}),
    earlyStop: options.earlyStop,
    gate: options.gate,
    maxAnchors: options.maxAnchors,
    seed: options.seed,
    momentum: options.momentum,
    contrastive: options.contrastive,
    baseMaxTurns: options.baseMaxTurns,
    diagnoserTurns: options.diagnoserTurns,
    momentumTurns: options.momentumTurns,
    patcherTurns: options.patcherTurns,
    ...executionSettings(options),
    executor: executorChoice(options, configFile),
  };
  return {
    command: "optimize",
    skillDir,
    source: sourceSpec,
    split: manifest,
    settings,
    ...hubConfig(options, models, configFile, budgetOf(options)),
    models,
    writeBack: options.writeBack,
    ...(options.feedback !== undefined ? { feedback: resolve(options.feedback) } : {}),
    ...(options.triggerQueries !== undefined
      ? {
          triggers: {
            queries: resolve(options.triggerQueries),
            library: resolve(options.triggerLibrary ?? defaultLibraryDir()),
            repeat: options.triggerRepeat,
            split: splitQueries(await loadTriggerQueries(options.triggerQueries), 0.4, options.seed),
          },
        }
      : {}),
  };
}

/** The split a new run uses: a manifest file, or one made from a spec and the seed. */
function splitFor(
  spec: string,
  tasks: Task[],
  benchmark: string,
  seed: number,
): SplitManifest | Promise<SplitManifest> {
  if (existsSync(spec)) return loadSplit(spec);
  return makeSplit(
    tasks.map((task) => task.id),
    { spec: parseSplitSpec(spec), specText: spec, seed, benchmark, incomplete: incompleteTaskIds(tasks) },
  );
}
