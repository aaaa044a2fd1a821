import { dirname, resolve } from "node:path";
import { SkillgradError, UsageError } from "../../../errors.js";
import { createExecutor } from "../../../executor/index.js";
import type { OptimizeSummary } from "../../../optimizer/finish.js";
import { DEFAULT_SETTINGS, runOptimize, splitTasks } from "../../../optimizer/optimize.js";
import type { Gate, TaskSplit } from "../../../optimizer/types.js";
import { type FeedbackFile, loadFeedback } from "../../../runs/feedback.js";
import { Progress } from "../../../runs/progress.js";
import { writeReport } from "../../../runs/report/index.js";
import { createRunFolder, type RunFolder } from "../../../runs/run-folder.js";
import { writeJsonAtomic } from "../../../util/fs.js";
import { hubSettings } from "../../config-file.js";
import { resumeCommand, setInterruptNote } from "../../interrupt.js";
import { benchmarkGrader, loadTaskSource, openQueue, runHub } from "../../options/index.js";
import { isSimulated } from "../../output.js";
import { stoppedRun } from "../../stopped-run.js";
import { heldoutTriggers, jointTriggers } from "./joint.js";
import type { OptimizeCliOptions } from "./options.js";
import { newRunConfig, type OptimizeRunConfig, resumedRunConfig } from "./run-config.js";
import { writeBackBest } from "./write-back.js";
// Registers the offline simulation as the `sim` model provider (here, not in main.ts: start-up stays light).
import "../../../sim/index.js";

/** An optimize run from the command line: a new one, or the one given to --resume. */
export async function optimizeCommand(options: OptimizeCliOptions): Promise<OptimizeSummary> {
  let resumed: RunFolder | undefined;
  let config: OptimizeRunConfig;
  if (options.resume) {
    ({ folder: resumed, config } = await resumedRunConfig({ ...options, resume: options.resume }));
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
  const source = await loadTaskSource(config.source);
  const split = splitTasks(source.tasks, config.split);
  if (split.pool.length === 0)
    throw new SkillgradError("the split leaves no tasks to evolve the skill on (no pool or train set)");
  if (!options.resume) warnAboutSplit(split, config.settings.gate);
  if (feedback && !options.quiet) noteFeedback(feedback, split);
  setInterruptNote(`the run is saved; continue it with ${resumeCommand(folder.dir)}`);
  const hub = await runHub(config, folder, {
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
      grader: benchmarkGrader(source.benchmark),
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

/** Says whose notes --feedback brought, and how many of them this run's pool can use. */
function noteFeedback(feedback: FeedbackFile, split: TaskSplit): void {
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
