import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { SkillgradError, UsageError } from "../../errors.js";
import { createExecutor } from "../../executor/index.js";
import type { ExecutorChoice } from "../../executor/types.js";
import {
  checkModelCredentials,
  ModelHub,
  type ModelRole,
  readLedger,
  resolveRoleModels,
} from "../../models/index.js";
import { writeReport } from "../../runs/report/index.js";
import { createRunFolder, recordEvent, runFolderAt } from "../../runs/run-folder.js";
import type { Skill } from "../../skill/index.js";
import { evaluateTriggers } from "../../triggers/evaluate.js";
import { defaultLibraryDir, loadLibrary } from "../../triggers/library.js";
import { finishTriggerRun, type TriggerOptimizeSummary } from "../../triggers/optimize/finish.js";
import {
  runTriggerLoop,
  type TriggerGate,
  type TriggerOptimizeSettings,
} from "../../triggers/optimize/loop.js";
import { loadTriggerQueries } from "../../triggers/queries.js";
import { splitQueries, type TriggerSplit } from "../../triggers/split.js";
import type { TriggerEvalSummary, TriggerMetrics } from "../../triggers/types.js";
import { readJsonFileSync, writeJsonAtomic } from "../../util/fs.js";
import { type ConfigFile, hubSettings, readConfigFile } from "../config-file.js";
import { resumeCommand, setInterruptNote, shownPath } from "../interrupt.js";
import { formatCost, formatDuration, isSimulated } from "../output.js";
import { nonNegativeInt, oneOf, positiveInt, positiveNumber, unitInterval } from "../parse.js";
import {
  addRunOptions,
  cacheDirFor,
  checkRunsOutsideSkill,
  executionSettings,
  executorChoice,
  type RunOptions,
  stoppedRun,
} from "../run-options.js";
import { loadSkillOrExplain } from "../skill-input.js";
// Registers the offline simulation as the `sim` model provider.
import "../../sim/index.js";

/** --repeat's default for trigger runs (Anthropic's skill-creator also runs each query 3 times). */
const TRIGGER_REPEAT = 3;

interface TriggerCliOptions extends RunOptions {
  skill?: string;
  queries?: string;
  library?: string | false;
  patience: number;
}

interface TriggerOptimizeCliOptions extends TriggerCliOptions {
  optimizerModel?: string;
  holdout: number;
  seed: number;
  iterations: number;
  gate: TriggerGate;
  testQueries?: string;
  maxCost?: number;
  maxCalls?: number;
  resume?: string;
}

function addTriggerOptions(command: Command): Command {
  return addRunOptions(command)
    .option("--skill <dir>", "the skill whose triggering is measured")
    .option("--queries <file>", 'JSONL trigger queries: {"id", "query", "shouldTrigger", "note"?} per line')
    .option(
      "--library <dir>",
      "a folder of competing skills installed beside it (default: the small library in examples/skill-library)",
    )
    .option("--no-library", "install the skill alone, with no competing skills")
    .option(
      "--patience <n>",
      "tool calls an agent may make before activating a skill: the first activation, or the n-th other call, decides",
      positiveInt,
      1,
    );
}

/** --repeat as given, or the trigger default when the user left it alone. */
function repeatOf(command: Command, options: RunOptions): number {
  return command.getOptionValueSource("repeat") === "default" ? TRIGGER_REPEAT : options.repeat;
}

export function register(program: Command): void {
  const triggers = program
    .command("triggers")
    .description(
      "when the skill gets used: measure how often an agent activates it for should- and should-not-trigger " +
        "queries among competing skills, and optimize its description for held-out F1",
    );

  addTriggerOptions(
    triggers
      .command("eval")
      .description(
        "run each query with the skill installed next to competing skills; each run stops once activation " +
          "is decided; trigger rate per query, precision, recall and F1 with 95% intervals",
      ),
  )
    .addHelpText(
      "after",
      [
        "",
        "Activation is read per executor: activate_skill (built-in agent), the Skill tool (Claude Code), a",
        "read of the skill's SKILL.md (Codex). A run stops at the first activation of any installed skill, or",
        "after --patience other tool calls; the task itself is not carried out. --repeat defaults to 3 here.",
        "",
        "Example (offline; `sim` is a simulation, not a language model):",
        "  skillgrad triggers eval --skill examples/sim-world/skills/csv-analyst \\",
        "    --queries examples/triggers/csv-analyst.queries.jsonl --model sim",
      ].join("\n"),
    )
    .action(async (options: TriggerCliOptions, command: Command) => {
      const summary = await triggersEval(options, repeatOf(command, options));
      process.stdout.write(
        options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatTriggerEval(summary),
      );
    });

  addTriggerOptions(
    triggers
      .command("optimize")
      .description(
        "optimize the skill's description: diagnose missed and false triggers on training queries, propose a " +
          "new description, keep the best by held-out F1",
      ),
  )
    .option("--optimizer-model <model>", "model for the diagnoser and the description editor")
    .option("--holdout <share>", "share of each kind of query held out (0–1)", unitInterval, 0.4)
    .option("--seed <n>", "seed of the train/held-out split", nonNegativeInt, 0)
    .option("--iterations <n>", "descriptions to propose at most", positiveInt, 5)
    .option(
      "--gate <gate>",
      "when a candidate replaces the current description: nonneg (held-out F1 no worse), strict (better), none",
      oneOf("nonneg", "strict", "none"),
      "nonneg",
    )
    .option(
      "--test-queries <file>",
      "a separate query set never used for choosing: the seed and the best version are measured on it",
    )
    .option("--max-cost <usd>", "stop cleanly before spending more than this many dollars", positiveNumber)
    .option("--max-calls <n>", "stop cleanly before making more than n model calls", positiveInt)
    .option("--resume <run>", "continue a stopped or killed trigger run (its folder) where it stopped")
    .addHelpText(
      "after",
      [
        "",
        "The queries are split (seeded, by kind) into training and held-out sets. Each iteration the diagnoser",
        "reads the training mistakes with the competing descriptions, the editor proposes a description (set",
        "through the confined set_description edit: at most 1024 characters, one paragraph), and the candidate",
        "is evaluated on both sets. The best version is the one with the highest held-out F1; it is copied to",
        "best/ in the run folder. Held-out F1 chooses the version, so it flatters the best one a little: give",
        "--test-queries for a measurement nothing was chosen on.",
        "",
        "Example (offline; `sim` is a simulation, not a language model):",
        "  skillgrad triggers optimize --skill examples/triggers/seeds/vague/csv-analyst \\",
        "    --queries examples/triggers/csv-analyst.queries.jsonl --model sim",
      ].join("\n"),
    )
    .action(async (options: TriggerOptimizeCliOptions, command: Command) => {
      const summary = await triggersOptimize(options, repeatOf(command, options));
      process.stdout.write(
        options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatTriggerOptimize(summary),
      );
    });
}

interface Prepared {
  config: ConfigFile;
  roles: Record<ModelRole, string>;
  skill: Skill;
  library: Skill[];
  libraryDir: string | null;
  choice: ExecutorChoice;
}

async function prepare(
  options: TriggerCliOptions & { optimizerModel?: string },
  used: ModelRole[],
): Promise<Prepared> {
  if (options.skill === undefined) throw new UsageError("give the skill with --skill DIR");
  if (options.queries === undefined) throw new UsageError("give the trigger queries with --queries FILE");
  checkRunsOutsideSkill(options.skill, options);
  const config = readConfigFile(options.config);
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

async function triggersEval(
  options: TriggerCliOptions,
  repeat: number,
): Promise<TriggerEvalSummary & { runDir: string }> {
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
  const hub = new ModelHub({
    roles,
    cacheDir: cacheDirFor(options),
    cache: options.cache,
    ledgerPath: folder.ledger,
    ...hubSettings(prepared.config),
    checkRoles: ["executor"],
  });
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
      sandbox: options.sandbox,
      maxTurns: options.maxTurns,
      commandTimeoutSec: options.commandTimeout,
      taskTimeoutSec: options.taskTimeout,
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

interface TriggerRunConfig {
  command: "triggers optimize";
  skillDir: string;
  queries: string;
  testQueries: string | null;
  library: string | null;
  split: TriggerSplit;
  settings: TriggerOptimizeSettings;
  models: Record<ModelRole, string>;
  configFile: ConfigFile;
  budget: { maxCostUsd?: number; maxCalls?: number };
  cache: boolean;
  cacheDir: string;
}

async function triggersOptimize(
  options: TriggerOptimizeCliOptions,
  repeat: number,
): Promise<TriggerOptimizeSummary> {
  const started = Date.now();
  let config: TriggerRunConfig;
  let folder: ReturnType<typeof runFolderAt>;
  if (options.resume) {
    folder = runFolderAt(options.resume);
    if (!existsSync(folder.config))
      throw new SkillgradError(
        `${options.resume} is not a run folder: pass the folder of a trigger optimize run`,
      );
    config = readJsonFileSync<TriggerRunConfig>(folder.config, "the run's configuration", "start a new run");
    if (config.command !== "triggers optimize")
      throw new UsageError(`${options.resume} is not a trigger optimize run: resume it with its own command`);
    if (options.maxCost !== undefined || options.maxCalls !== undefined) {
      config.budget = {
        ...(options.maxCost !== undefined ? { maxCostUsd: options.maxCost } : {}),
        ...(options.maxCalls !== undefined ? { maxCalls: options.maxCalls } : {}),
      };
    }
  } else {
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
      sandbox: options.sandbox,
      maxTurns: options.maxTurns,
      commandTimeoutSec: options.commandTimeout,
      taskTimeoutSec: options.taskTimeout,
      executor: prepared.choice,
    };
    config = {
      command: "triggers optimize",
      skillDir: prepared.skill.dir,
      queries: resolve(options.queries as string),
      testQueries: options.testQueries ? resolve(options.testQueries) : null,
      library: prepared.libraryDir,
      split: splitQueries(queries, options.holdout, options.seed),
      settings,
      models: prepared.roles,
      configFile: prepared.config,
      budget: {
        ...(options.maxCost !== undefined ? { maxCostUsd: options.maxCost } : {}),
        ...(options.maxCalls !== undefined ? { maxCalls: options.maxCalls } : {}),
      },
      cache: options.cache,
      cacheDir: cacheDirFor(options),
    };
    folder = await createRunFolder(resolve(options.runsDir), "triggers", config);
  }
  const queries = await loadTriggerQueries(config.queries);
  const testQueries = config.testQueries ? await loadTriggerQueries(config.testQueries) : undefined;
  const seedSkill = await loadSkillOrExplain(config.skillDir);
  const library = config.library ? await loadLibrary(config.library, seedSkill.name) : [];
  const hub = new ModelHub({
    roles: config.models,
    cacheDir: config.cacheDir,
    cache: config.cache,
    ledgerPath: folder.ledger,
    priorEntries: await readLedger(folder.ledger),
    ...hubSettings(config.configFile),
    budget: config.budget,
    checkRoles: ["executor", "diagnoser", "patcher"],
  });
  if (!options.json && !options.quiet) {
    process.stderr.write(
      `triggers optimize: ${seedSkill.name} among ${library.length} competing skills; ${config.split.train.length} training and ${config.split.heldout.length} held-out queries × ${config.settings.repeat}; executor ${config.settings.executor.kind}, model ${config.models.executor}, optimizer ${config.models.patcher}${isSimulated(config.models.executor) ? " — sim is an offline simulation" : ""}\nrun folder: ${folder.dir}${options.resume ? " (resumed)" : ""}\n`,
    );
  }
  setInterruptNote(
    `the run is saved; continue it with ${resumeCommand(folder.dir).replace("optimize", "triggers optimize")}`,
  );
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
    throw await stoppedRun(
      error,
      folder.dir,
      `the completed work is kept: continue it with ${resumeCommand(folder.dir).replace("optimize", "triggers optimize")}`,
    );
  } finally {
    await executor.close();
  }
}

const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? "—" : x.toFixed(3));
const range = (r: [number, number] | null, f: (x: number) => string) => (r ? `${f(r[0])}–${f(r[1])}` : "—");

function metricsLine(m: TriggerMetrics): string {
  return `F1 ${num(m.f1)} (95% CI ${range(m.ci95.f1, (x) => x.toFixed(3))}), precision ${pct(m.precision)} (${range(m.ci95.precision, (x) => pct(x))}), recall ${pct(m.recall)} (${range(m.ci95.recall, (x) => pct(x))})`;
}

export function formatTriggerEval(summary: TriggerEvalSummary & { runDir: string }): string {
  const lines = [
    `skill       ${summary.skill.name} (${summary.skill.hash.slice(0, 12)}) among ${summary.library.length} competing skills`,
    `executor    ${summary.executor}, model ${summary.model}${isSimulated(summary.model) ? "  (sim: an offline simulation, not a language model)" : ""}`,
    `probes      ${summary.metrics.probes} (${summary.queries.length} queries × ${summary.repeat})`,
    `triggering  ${metricsLine(summary.metrics)}`,
    `            TP ${summary.metrics.tp}, FP ${summary.metrics.fp}, FN ${summary.metrics.fn}, TN ${summary.metrics.tn}; balanced accuracy ${pct(summary.metrics.balancedAccuracy)}`,
  ];
  const byId = new Map(summary.queries.map((q) => [q.id, q]));
  const list = (ids: string[], title: string) => {
    if (ids.length === 0) return;
    lines.push(`${title} (${ids.length}):`);
    for (const id of ids) {
      const q = byId.get(id);
      if (!q) continue;
      const others = Object.entries(q.others)
        .map(([name, n]) => `${name} ×${n}`)
        .join(", ");
      lines.push(`  ${id}  rate ${q.triggers}/${q.runs}  ${q.query}${others ? `  [took: ${others}]` : ""}`);
    }
  };
  list(summary.missed, "missed (should trigger)");
  list(summary.falseTriggers, "false triggers (should not)");
  lines.push(
    `cost        ${formatCost(summary.costUsd)}; ${summary.calls} calls (${summary.cachedCalls} from cache); ${formatDuration(summary.wallMs)}`,
    `run folder  ${summary.runDir}`,
    "",
  );
  return lines.join("\n");
}

export function formatTriggerOptimize(summary: TriggerOptimizeSummary): string {
  const stopped =
    summary.status === "stopped"
      ? `stopped after ${summary.iterations} iterations: ${summary.stopReason}`
      : `done: ${summary.iterations} iteration${summary.iterations === 1 ? "" : "s"}${summary.stoppedBy && summary.stoppedBy !== "iterations" ? ` (${summary.stopReason})` : ""}`;
  const line = (name: string, v: TriggerOptimizeSummary["seed"]) =>
    `${name.padEnd(6)} ${v.version}  held-out ${metricsLine(v.heldout)}; train F1 ${num(v.train.f1)}${v.test ? `; test F1 ${num(v.test.f1)} (${range(v.test.ci95.f1, (x) => x.toFixed(3))})` : ""}`;
  return [
    stopped,
    `split  ${summary.split.train} training, ${summary.split.heldout} held-out queries (seed ${summary.split.seed})${summary.split.test ? `; ${summary.split.test} test queries` : ""}`,
    line("seed", summary.seed),
    line("final", summary.final),
    line("best", summary.best),
    ...(summary.testNote ? [`note: ${summary.testNote}`] : []),
    `best description: ${summary.best.description}`,
    `cost   ${formatCost(summary.costUsd)}; ${summary.calls} calls (${summary.cachedCalls} from cache); ${formatDuration(summary.wallMs)}`,
    `best skill  ${summary.bestSkillDir}`,
    `run folder  ${summary.runDir}`,
    "",
  ].join("\n");
}
