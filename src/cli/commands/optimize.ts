import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { loadBenchmark } from "../../benchmarks/registry.js";
import { SkillgradError, UsageError } from "../../errors.js";
import { createExecutor } from "../../executor/index.js";
import { type Grader, needsJudge } from "../../graders/index.js";
import {
  checkModelCredentials,
  MODEL_ROLES,
  ModelHub,
  type ModelRole,
  maskSecrets,
  readLedger,
  resolveRoleModels,
  restoreMaskedModels,
} from "../../models/index.js";
import type { OptimizeSummary } from "../../optimizer/finish.js";
import { DEFAULT_SETTINGS, runOptimize, splitTasks } from "../../optimizer/optimize.js";
import type { Gate, OptimizeSettings, TaskSplit } from "../../optimizer/types.js";
import { writeBack } from "../../optimizer/write-back.js";
import { loadFeedback } from "../../runs/feedback.js";
import { Progress } from "../../runs/progress.js";
import { writeReport } from "../../runs/report/index.js";
import { createRunFolder, type RunFolder, runFolderAt } from "../../runs/run-folder.js";
import { loadTasks } from "../../tasks/load.js";
import {
  incompleteTaskIds,
  loadSplit,
  makeSplit,
  parseSplitSpec,
  type SplitManifest,
} from "../../tasks/split.js";
import type { Task } from "../../tasks/types.js";
import { defaultLibraryDir, loadLibrary } from "../../triggers/library.js";
import type { EvaluationFile } from "../../triggers/optimize/loop.js";
import { loadTriggerQueries } from "../../triggers/queries.js";
import { splitQueries, type TriggerSplit } from "../../triggers/split.js";
import type { JointTriggers, TriggerMetrics } from "../../triggers/types.js";
import { readJsonFileSync, writeJsonAtomic } from "../../util/fs.js";
import { type ConfigFile, hubSettings, readConfigFile, withRateFlags } from "../config-file.js";
import { resumeCommand, setInterruptNote } from "../interrupt.js";
import { formatOptimizeSummary, isSimulated } from "../output.js";
import { oneOf, positiveInt, positiveNumber } from "../parse.js";
import {
  addRunOptions,
  cacheDirFor,
  checkRunsOutsideSkill,
  executionSettings,
  executorChoice,
  openQueue,
  type RunOptions,
  stoppedRun,
} from "../run-options.js";
import { loadSkillOrExplain } from "../skill-input.js";
// Registers the offline simulation as the `sim` model provider (here, not in main.ts: start-up stays light).
import "../../sim/index.js";

export interface OptimizeCliOptions extends RunOptions {
  skill?: string;
  tasks?: string;
  bench?: string;
  data?: string;
  split: string;
  optimizerModel?: string;
  judgeModel?: string;
  iterations?: number;
  batchSize: number;
  trainSize: number;
  trainFrom: "failures" | "all";
  epochs: number;
  earlyStop: number;
  gate: Gate;
  maxAnchors: number;
  seed: number;
  momentum: boolean;
  contrastive: boolean;
  baseMaxTurns: number;
  diagnoserTurns: number;
  momentumTurns: number;
  patcherTurns: number;
  maxCost?: number;
  maxCalls?: number;
  resume?: string;
  writeBack: boolean;
  feedback?: string;
  triggerQueries?: string;
  triggerLibrary?: string;
  triggerRepeat: number;
}

/** Everything a run needs to be resumed exactly, saved as the run's config.json (secrets masked). */
interface OptimizeRunConfig {
  command: "optimize";
  skillDir: string;
  source: { tasks: string } | { bench: string; data?: string };
  split: SplitManifest;
  settings: OptimizeSettings;
  /** The model per role; `judge` only when a task is graded by llm-judge. */
  models: Record<Exclude<ModelRole, "judge">, string> & { judge?: string };
  configFile: ConfigFile;
  budget: { maxCostUsd?: number; maxCalls?: number };
  cache: boolean;
  cacheDir: string;
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

export function addOptimizeOptions(command: Command): Command {
  return addRunOptions(command)
    .option("--skill <dir>", "the seed skill folder to improve")
    .option("--tasks <file>", "JSONL task file (see skillgrad eval --help)")
    .option("--bench <name>", "a built-in benchmark instead of --tasks: wtq, spreadsheetbench, sim")
    .option("--data <dir>", "with --bench: a prepared data folder (default: the small offline example)")
    .option(
      "--split <spec>",
      "paper (two seeds: --seed, and paper:heldout-seed=N for validation/test) | ratio:pool=0.5,validation=0.1,test=0.4 | a split manifest FILE",
      "ratio:pool=0.5,validation=0.1,test=0.4",
    )
    .option("--optimizer-model <model>", "model for diagnosing, momentum and patching")
    .option("--judge-model <model>", "model for llm-judge graders (default: --model)")
    .option("--iterations <n>", "stop after n iterations (default: every batch of every epoch)", positiveInt)
    .option("--batch-size <b>", "tasks per iteration", positiveInt, DEFAULT_SETTINGS.batchSize)
    .option(
      "--train-size <n>",
      "training tasks sampled from the pool",
      positiveInt,
      DEFAULT_SETTINGS.trainSize,
    )
    .option(
      "--train-from <which>",
      "failures (of the seed skill on the pool, as published) or all",
      oneOf("failures", "all"),
      DEFAULT_SETTINGS.trainFrom,
    )
    .option("--epochs <n>", "passes over the training set", positiveInt, DEFAULT_SETTINGS.epochs)
    .option(
      "--early-stop <n>",
      "stop after n consecutive batches with no failure",
      positiveInt,
      DEFAULT_SETTINGS.earlyStop,
    )
    .option(
      "--gate <gate>",
      "validation gate: none (as published), nonneg (no worse), strict (better)",
      oneOf("none", "nonneg", "strict"),
      DEFAULT_SETTINGS.gate,
    )
    .option(
      "--max-anchors <n>",
      "edit budget: anchors the patcher may edit per step",
      positiveInt,
      DEFAULT_SETTINGS.maxAnchors,
    )
    .option(
      "--seed <n>",
      "seed for sampling and batches",
      (v) => Number.parseInt(v, 10),
      DEFAULT_SETTINGS.seed,
    )
    .option(
      "--base-max-turns <n>",
      "executor turn limit of the base run of the seed skill over the pool",
      positiveInt,
      DEFAULT_SETTINGS.baseMaxTurns,
    )
    .option(
      "--diagnoser-turns <n>",
      "turn limit of each diagnoser session (its tool calls included)",
      positiveInt,
      DEFAULT_SETTINGS.diagnoserTurns,
    )
    .option(
      "--momentum-turns <n>",
      "turn limit of the momentum keeper",
      positiveInt,
      DEFAULT_SETTINGS.momentumTurns,
    )
    .option(
      "--patcher-turns <n>",
      "turn limit of each patcher session",
      positiveInt,
      DEFAULT_SETTINGS.patcherTurns,
    )
    .option("--no-momentum", "ablation: no pattern memory; the patcher sees raw diagnoses")
    .option("--no-contrastive", "ablation: do not diagnose tasks that failed before and pass now")
    .option("--max-cost <usd>", "stop cleanly before spending more than this many dollars", positiveNumber)
    .option("--max-calls <n>", "stop cleanly before making more than n model calls", positiveInt)
    .option(
      "--resume <run>",
      "continue a stopped or killed run (its folder) where it stopped; with --max-cost/--max-calls, under a new budget",
    )
    .option(
      "--write-back",
      "at the end, write the best version into --skill file by file (other files, modes and .git/ stay; a backup copy goes to the run folder)",
    )
    .option(
      "--trigger-queries <file>",
      "joint optimization: trigger queries (see skillgrad triggers) whose mis-triggers join the loss; the description gets their diagnoses",
    )
    .option(
      "--trigger-library <dir>",
      "with --trigger-queries: the competing skills (default: the small library in examples/skill-library)",
    )
    .option("--trigger-repeat <n>", "with --trigger-queries: runs per query", positiveInt, 3)
    .option(
      "--feedback <file>",
      "feedback.json exported from a report's review mode: a person's notes go to the diagnoser with their tasks, marked as human",
    );
}

export function register(program: Command): void {
  addOptimizeOptions(
    program
      .command("optimize")
      .description(
        "improve a skill on your tasks: run it, grade it, diagnose failures and contrastive successes, keep a " +
          "momentum memory of recurring patterns, patch the skill layer by layer, and keep the best version",
      ),
  )
    .addHelpText(
      "after",
      "\nExample (offline; `sim` is a simulation, not a language model):\n  skillgrad optimize --bench sim --model sim\n",
    )
    .action(async (options: OptimizeCliOptions) => {
      const summary = await optimizeCommand(options);
      process.stdout.write(
        options.json ? `${JSON.stringify(jsonSummary(summary), null, 2)}\n` : formatOptimizeSummary(summary),
      );
    });
}

/** The --json object: the documented keys first, everything else after. */
export function jsonSummary(summary: OptimizeSummary) {
  const score = (v: OptimizeSummary["seed"]) => ({
    version: v.version,
    hash: v.hash,
    validation: v.validation,
    passRate: v.test?.passRate ?? null,
    ci95: v.test?.ci95 ?? null,
  });
  return {
    runId: summary.runId,
    runDir: summary.runDir,
    iterations: summary.iterations,
    seed: score(summary.seed),
    final: score(summary.final),
    best: score(summary.best),
    costUsd: summary.costUsd,
    calls: summary.calls,
    cachedCalls: summary.cachedCalls,
    wallMs: summary.wallMs,
    status: summary.status,
    stoppedBy: summary.stoppedBy,
    stopReason: summary.stopReason,
    testNote: summary.testNote,
    bestSkillDir: summary.bestSkillDir,
    ...(summary.writeBack ? { writeBack: summary.writeBack } : {}),
    ...(summary.triggers ? { triggers: summary.triggers } : {}),
  };
}

async function loadSource(
  source: OptimizeRunConfig["source"],
): Promise<{ tasks: Task[]; grader?: (task: Task) => Grader; seedSkill?: string; name: string }> {
  if ("tasks" in source) return { tasks: await loadTasks(source.tasks), name: "tasks" };
  const benchmark = await loadBenchmark(source.bench);
  return {
    tasks: await benchmark.loadTasks({ data: source.data }),
    grader: (task) => benchmark.grader(task),
    seedSkill: benchmark.seedSkill,
    name: benchmark.name,
  };
}

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

export async function optimizeCommand(options: OptimizeCliOptions): Promise<OptimizeSummary> {
  let resumed: RunFolder | undefined;
  let config: OptimizeRunConfig;
  if (options.resume) {
    resumed = runFolderAt(options.resume);
    if (!existsSync(resumed.config))
      throw new SkillgradError(
        `${options.resume} is not a run folder (no config.json): pass the folder printed when the run started`,
      );
    config = readJsonFileSync<OptimizeRunConfig>(
      resumed.config,
      "the run's config",
      "restore it from a backup, or start a new run (the response cache makes repeated calls free)",
    );
    if (config?.command !== "optimize")
      throw new SkillgradError(
        `${options.resume} is ${config?.command ? `a ${config.command} run` : "not an optimize run"}; only optimize runs can be resumed`,
      );
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
    config.models = restoreMaskedModels(
      config.models,
      [options.model, options.executorModel, options.optimizerModel],
      options.resume,
    );
    // a run stopped by its budget can go on with a larger one, and under a new quota
    if (options.maxCost !== undefined) config.budget.maxCostUsd = options.maxCost;
    if (options.maxCalls !== undefined) config.budget.maxCalls = options.maxCalls;
    config.configFile = withRateFlags(config.configFile, options);
    if ([options.maxCost, options.maxCalls, options.rpm, options.tpm].some((v) => v !== undefined))
      await writeJsonAtomic(resumed.config, maskSecrets(config));
  } else {
    config = await newRunConfig(options);
  }
  const queueUrl = queueToUse(options, config);
  const inputStore = options.inputStore ?? (resumed ? config.inputStore : undefined);
  const queue = await openQueue({ queue: queueUrl, inputStore });
  if (queue && !resumed) config.queue = queue.address.shown;
  if (queue?.inputFolder) config.inputStore = queue.inputFolder;
  const feedback = config.feedback ? await loadFeedback(config.feedback) : undefined;
  if (config.triggers && queueUrl)
    throw new UsageError("--trigger-queries runs its probes here: it does not go with --queue");
  const triggers = config.triggers ? await jointTriggers(config.triggers, config.skillDir) : undefined;
  const folder = resumed ?? (await createRunFolder(resolve(options.runsDir), "optimize", config));
  const source = await loadSource(config.source);
  const split = splitTasks(source.tasks, config.split);
  if (split.pool.length === 0)
    throw new SkillgradError("the split leaves no tasks to evolve the skill on (no pool or train set)");
  if (!options.resume) warnAboutSplit(split, config.settings.gate);
  if (feedback && !options.quiet) {
    const pool = new Set(split.pool.map((task) => task.id));
    const noted = [
      ...new Set(
        feedback.items.filter((item) => item.verdict !== null || item.comment.trim()).map((i) => i.taskId),
      ),
    ];
    process.stderr.write(
      `feedback: notes on ${noted.length} task(s) from run ${feedback.run.id}; the ${noted.filter((id) => pool.has(id)).length} in this run's pool go to the diagnoser, marked human, whenever it diagnoses them\n`,
    );
  }
  setInterruptNote(`the run is saved; continue it with ${resumeCommand(folder.dir)}`);
  const hub = new ModelHub({
    roles: config.models,
    cacheDir: config.cacheDir,
    cache: config.cache,
    ledgerPath: folder.ledger,
    priorEntries: await readLedger(folder.ledger),
    ...hubSettings(config.configFile),
    budget: config.budget,
    ...(queue ? { sharedBudget: queue.budget(folder.id) } : {}),
    checkRoles: ["executor", "diagnoser", "momentum", "patcher"],
  });
  if (!options.json && !options.quiet) {
    const note = isSimulated(config.models.executor)
      ? " — sim is an offline simulation, not a language model"
      : "";
    process.stderr.write(
      `optimize: ${config.skillDir}\n  pool ${split.pool.length}, validation ${split.validation.length}, test ${split.test.length} tasks; executor ${config.models.executor}, optimizer ${config.models.patcher}${config.settings.executor && config.settings.executor.kind !== "builtin" ? `, executor ${config.settings.executor.kind}` : ""}${note}\n  run folder: ${folder.dir}${options.resume ? " (resumed)" : ""}\n`,
    );
  }
  const choice = config.settings.executor ?? { kind: "builtin" };
  const executor = queue
    ? undefined
    : await createExecutor(choice, { hub, executorModel: config.models.executor });
  const progress = new Progress({
    label: "optimize",
    quiet: options.quiet || options.json,
    costUsd: () => hub.totals().total.knownCostUsd,
    plan: {
      batchSize: config.settings.batchSize,
      epochs: config.settings.epochs,
      maxIterations: config.settings.maxIterations,
    },
  });
  progress.follow(folder.events);
  let summary: OptimizeSummary | undefined;
  try {
    const rollouts = await queue?.openRollouts({
      runId: folder.id,
      hub,
      limits: config.budget,
      models: { executor: config.models.executor, judge: config.models.judge },
      executor: choice.kind,
      ...("bench" in config.source ? { benchmark: config.source.bench } : {}),
      cache: config.cache,
      hubSettings: hubSettings(config.configFile),
      exclude: [dirname(folder.dir), config.cacheDir],
      note: (line) => process.stderr.write(`${line}\n`),
    });
    summary = await runOptimize({
      folder,
      hub,
      executorModel: config.models.executor,
      ...(executor ? { executor } : {}),
      ...(rollouts ? { rollouts } : {}),
      seedSkillDir: config.skillDir,
      split,
      // a run made before a setting existed takes its default
      settings: { ...DEFAULT_SETTINGS, ...config.settings },
      grader: source.grader,
      afterIteration: () => writeReport(folder.dir).then(() => undefined),
      ...(feedback ? { feedback } : {}),
      ...(triggers ? { triggers } : {}),
    });
  } catch (error) {
    progress.stop();
    throw await stoppedRun(
      error,
      folder.dir,
      `the completed work is kept: continue it with ${resumeCommand(folder.dir)}`,
    );
  } finally {
    await executor?.close();
    // a finished run's jobs leave Redis; a stopped one keeps them for --resume
    const note = await queue?.close(summary?.status === "done");
    if (note && !options.quiet) process.stderr.write(`${note}\n`);
  }
  progress.stop();
  if (triggers) {
    // joint optimization: the seed's and the best version's held-out trigger F1 beside their pass rates
    summary.triggers = {
      seed: heldoutTriggers(folder.dir, summary.seed.version),
      best: heldoutTriggers(folder.dir, summary.best.version),
    };
    await writeJsonAtomic(folder.summary, summary);
  }
  await writeReport(folder.dir);
  if (config.writeBack || options.writeBack) await writeBackBest(summary, config.skillDir);
  return summary;
}

function heldoutTriggers(runDir: string, version: string): TriggerMetrics | null {
  const file = join(runDir, "triggers", version, "heldout", "evaluation.json");
  return existsSync(file)
    ? readJsonFileSync<EvaluationFile>(file, "a trigger evaluation", "run again").summary.metrics
    : null;
}

/**
 * The queue a run uses: --queue, else (on resume) the one it started with. Its config keeps the URL
 * with credentials masked, so such a run must be given it again.
 */
function queueToUse(options: OptimizeCliOptions, config: OptimizeRunConfig): string | undefined {
  if (options.queue !== undefined) return options.queue;
  if (!options.resume || config.queue === undefined) return undefined;
  if (config.queue.includes("***"))
    throw new UsageError(
      `${options.resume} ran its rollouts on the queue ${config.queue}, whose credentials config.json keeps masked: resume with --queue URL again`,
    );
  return config.queue;
}

/** Warns about a split that leaves the optimizer blind: no validation or no test tasks. */
function warnAboutSplit(split: TaskSplit, gate: Gate): void {
  if (split.validation.length === 0)
    process.stderr.write(
      `warning: the split has no validation tasks, so the last version counts as the best${gate === "none" ? "" : ` and the ${gate} gate accepts every patch`}; give some tasks to validation (e.g. --split ratio:pool=0.5,validation=0.1,test=0.4)\n`,
    );
  if (split.test.length === 0)
    process.stderr.write(
      "warning: the split has no test tasks, so no version is measured on held-out tasks; give some tasks to test (e.g. --split ratio:pool=0.5,validation=0.1,test=0.4)\n",
    );
}

/**
 * --write-back: the best version goes into the user's folder once the run is done (a run stopped by
 * its budget is written back when a resume finishes it). The summary records what was written.
 */
async function writeBackBest(summary: OptimizeSummary, skillDir: string) {
  // on stderr even with --json: what happened to the user's own folder must always be said
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (summary.status !== "done") {
    say(
      `not written back: the run stopped (${summary.stopReason ?? summary.stoppedBy}); ${resumeCommand(summary.runDir)} finishes it and writes back`,
    );
    return;
  }
  if (summary.best.version === "v000") {
    say(`not written back: the seed skill stayed the best version; ${skillDir} is unchanged`);
    return;
  }
  const result = await writeBack({
    skillDir,
    seedDir: join(summary.runDir, "skills", "v000", basename(summary.bestSkillDir)),
    bestDir: summary.bestSkillDir,
    backupRoot: join(summary.runDir, "write-back-backup"),
  });
  summary.writeBack = result;
  await writeJsonAtomic(join(summary.runDir, "summary.json"), summary);
  if (result.backup === null) {
    say(`${result.target} already holds the best skill (${summary.best.version}); nothing written back`);
    return;
  }
  say(
    `wrote the best skill (${summary.best.version}) into ${result.target}: ${result.changed.length} changed, ${result.added.length} added, ${result.removed.length} removed; backup of the original: ${result.backup}`,
  );
  if (result.unlinked.length > 0)
    say(
      `  these were symlinks and are now regular files (their content changed): ${result.unlinked.join(", ")}`,
    );
}

/** The trigger queries, competing skills and split of a joint run, loaded for the loop. */
async function jointTriggers(
  saved: NonNullable<OptimizeRunConfig["triggers"]>,
  skillDir: string,
): Promise<JointTriggers> {
  const skill = await loadSkillOrExplain(skillDir);
  return {
    queries: await loadTriggerQueries(saved.queries),
    library: await loadLibrary(saved.library, skill.name),
    split: saved.split,
    repeat: saved.repeat,
  };
}

async function newRunConfig(options: OptimizeCliOptions): Promise<OptimizeRunConfig> {
  if (options.triggerQueries === undefined && options.triggerLibrary !== undefined)
    throw new UsageError("--trigger-library goes with --trigger-queries");
  if (Boolean(options.tasks) === Boolean(options.bench))
    throw new UsageError("give the tasks with exactly one of --tasks FILE or --bench NAME");
  if (options.data && !options.bench) throw new UsageError("--data goes with --bench");
  const sourceSpec: OptimizeRunConfig["source"] = options.tasks
    ? { tasks: resolve(options.tasks) }
    : { bench: options.bench as string, ...(options.data ? { data: resolve(options.data) } : {}) };
  const source = await loadSource(sourceSpec);
  const skillDir = options.skill ? resolve(options.skill) : source.seedSkill;
  if (!skillDir) throw new UsageError("give the seed skill with --skill DIR");
  if (!options.skill && !options.json && !options.quiet)
    process.stderr.write(`using the benchmark's seed skill ${skillDir}\n`);
  checkRunsOutsideSkill(skillDir, options);
  await loadSkillOrExplain(skillDir);
  const configFile = withRateFlags(readConfigFile(options.config), options);
  // a judge is needed only when a task's own grader is llm-judge (a benchmark brings its own grader)
  const judged = !source.grader && source.tasks.some((task) => needsJudge(task.grader));
  const models = resolveRoleModels({
    model: options.model,
    executorModel: options.executorModel,
    optimizerModel: options.optimizerModel,
    judgeModel: options.judgeModel,
    config: configFile.models,
    needed: judged ? MODEL_ROLES : MODEL_ROLES.filter((role) => role !== "judge"),
  }) as OptimizeRunConfig["models"];
  checkModelCredentials(Object.values(models), process.env);
  const manifest = await splitFor(options.split, source.tasks, source.name, options.seed);
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
    models,
    configFile,
    budget: {
      ...(options.maxCost !== undefined ? { maxCostUsd: options.maxCost } : {}),
      ...(options.maxCalls !== undefined ? { maxCalls: options.maxCalls } : {}),
    },
    cache: options.cache,
    cacheDir: cacheDirFor(options),
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
