import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import type { Benchmark } from "../../benchmarks/types.js";
import { UsageError } from "../../errors.js";
import { type EvalSummary, evaluate } from "../../eval/evaluate.js";
import { createExecutor } from "../../executor/index.js";
import { needsJudge } from "../../graders/index.js";
import { checkModelCredentials, type ModelRole, resolveRoleModels } from "../../models/index.js";
import { Progress } from "../../runs/progress.js";
import { writeReport } from "../../runs/report/index.js";
import { createRunFolder } from "../../runs/run-folder.js";
import { selectSplit } from "../../tasks/split.js";
import type { Task } from "../../tasks/types.js";
import { writeJsonAtomic } from "../../util/fs.js";
import { hubSettings } from "../config-file.js";
import { setInterruptNote, shownPath } from "../interrupt.js";
import {
  addBudgetOptions,
  addRunOptions,
  addTaskSourceOptions,
  type BudgetOptions,
  budgetOf,
  cacheDirFor,
  checkRunsOutsideSkill,
  configOf,
  executionSettings,
  executorChoice,
  hubConfig,
  loadTaskSource,
  openQueue,
  type RunOptions,
  runHub,
  type TaskSourceOptions,
  taskSourceOf,
} from "../options/index.js";
import { formatEvalSummary, isSimulated } from "../output.js";
import { loadSkillOrExplain } from "../skill-input.js";
import { stoppedRun } from "../stopped-run.js";
// Registers the offline simulation as the `sim` model provider (here, not in main.ts: start-up stays light).
import "../../sim/index.js";

interface EvalOptions extends RunOptions, TaskSourceOptions, BudgetOptions {
  /** A folder, or false for --no-skill. */
  skill?: string | false;
  split?: string;
  judgeModel?: string;
  keepWorkspaces: boolean;
}

export function register(program: Command): void {
  const command = addRunOptions(program.command("eval"))
    .description(
      "run an agent that uses a skill on a set of tasks, grade every outcome, and keep every trajectory",
    )
    .option(
      "--skill <dir>",
      "the skill folder the agent may use (with --bench, default: the benchmark's seed skill)",
    );
  addTaskSourceOptions(command, {
    tasks: "JSONL task file: {id, prompt, files?, expected?, grader?, meta?} per line",
    bench:
      "a benchmark's tasks and grader instead of --tasks: wtq, spreadsheetbench or sim (see skillgrad bench list)",
    data: "with --bench: prepared data (skillgrad bench prepare); default: the small offline example shipped with skillgrad",
  })
    .option(
      "--split <ref>",
      "only one set of a split manifest: NAME#SET (the data folder's splits/NAME.json) or FILE#SET, e.g. paper#test",
    )
    .option("--judge-model <model>", "model for llm-judge graders (overrides --model)")
    .option("--no-skill", "baseline: run the agent without any skill")
    .option("--keep-workspaces", "keep each task run's workspace folder in the run folder");
  addBudgetOptions(command, " (the tasks not run are reported)")
    .addHelpText(
      "after",
      [
        "",
        "Give exactly one of --tasks and --bench. With --bench the benchmark's prompts, workspace files and",
        "grader are used: wtq copies the question's table as table.csv and grades the final answer (values",
        'separated by " | ") like the official evaluator; spreadsheetbench copies the input workbook of test',
        "case 1 and grades output.xlsx like the official script (recalculating formulas with LibreOffice).",
        "Splits: --split paper#test keeps the test set of <data>/splits/paper.json (sets: pool, train,",
        "validation, test); --split path/to/manifest.json#validation names a manifest file.",
        "",
        'A task\'s {"type": "command"} grader is a script from the task file: it runs in the sandbox, like the',
        "agent's commands (workspace writable, the task file's folder read-only, no network, no keys);",
        "--trust-graders runs it on the host instead.",
        "",
        "Examples (offline; `sim` is a simulation, not a language model):",
        "  skillgrad eval --skill examples/sim-world/skills/csv-analyst --tasks examples/sim-world/tasks.jsonl --model sim",
        "  skillgrad eval --bench wtq --split paper#test --model sim",
      ].join("\n"),
    )
    .action(async (options: EvalOptions) => {
      const summary = await runEval(options);
      process.stdout.write(
        options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatEvalSummary(summary),
      );
    });
}

async function runEval(options: EvalOptions): Promise<EvalSummary> {
  const config = configOf(options);
  const choice = executorChoice(options, config);
  const roles = resolveRoleModels({
    // eval uses only the executor (and a judge); the other roles follow it so none is left unset
    model: options.model ?? options.executorModel,
    executorModel: options.executorModel,
    judgeModel: options.judgeModel,
    config: config.models,
  });
  const source = await loadEvalTasks(options);
  const { tasks } = source;
  let skillDir = options.skill;
  if (skillDir === undefined && source.benchmark) {
    skillDir = source.benchmark.seedSkill;
    if (!options.quiet) {
      process.stderr.write(`no --skill given: using the ${source.benchmark.name} seed skill ${skillDir}\n`);
    }
  }
  if (skillDir === undefined) {
    throw new UsageError("give the skill with --skill DIR, or pass --no-skill for the baseline");
  }
  if (skillDir) checkRunsOutsideSkill(skillDir, options);
  const skill = skillDir ? await loadSkillOrExplain(skillDir) : undefined;
  const usedRoles: ModelRole[] = tasks.some((task) => needsJudge(task.grader))
    ? ["executor", "judge"]
    : ["executor"];
  checkModelCredentials(
    usedRoles.map((role) => roles[role]),
    process.env,
  );
  if (options.queue && options.keepWorkspaces)
    throw new UsageError(
      "--keep-workspaces keeps workspaces on this machine, and with --queue they are on the workers: leave out one of them",
    );
  const queue = await openQueue(options);
  const runsDir = resolve(options.runsDir);
  const folder = await createRunFolder(runsDir, "eval", {
    command: "eval",
    skill: skill ? { dir: skill.dir, name: skill.name } : null,
    ...(options.tasks !== undefined ? { tasks: resolve(options.tasks) } : {}),
    ...(source.benchmark
      ? { bench: { name: source.benchmark.name, data: options.data ? resolve(options.data) : null } }
      : {}),
    ...(source.split ? { split: source.split } : {}),
    models: roles,
    executor: choice,
    ...executionSettings(options),
    cache: options.cache,
    prices: config.prices ?? {},
    budget: budgetOf(options),
    ...(queue ? { queue: queue.address.shown } : {}),
    ...(queue?.inputFolder ? { inputStore: queue.inputFolder } : {}),
  });
  const hub = await runHub(hubConfig(options, roles, config, budgetOf(options)), folder, {
    ...(queue ? { sharedBudget: queue.budget(folder.id) } : {}),
    checkRoles: usedRoles,
  });
  if (!options.json && !options.quiet) {
    const what = `${skill ? `skill ${skill.name}` : "no skill (baseline)"}${choice.kind === "builtin" ? "" : `, executor ${choice.kind}`}`;
    const note = isSimulated(roles.executor) ? " — sim is an offline simulation, not a language model" : "";
    process.stderr.write(
      `eval: ${what}, ${tasks.length} tasks × ${options.repeat}, model ${roles.executor}${note}\nrun folder: ${folder.dir}\n`,
    );
  }
  const executor = queue ? undefined : await createExecutor(choice, { hub, executorModel: roles.executor });
  const openRollouts = () =>
    queue?.openRollouts({
      runId: folder.id,
      hub,
      limits: budgetOf(options),
      models: { executor: roles.executor, judge: roles.judge },
      executor: choice.kind,
      ...(source.benchmark ? { benchmark: source.benchmark.name } : {}),
      cache: options.cache,
      hubSettings: hubSettings(config),
      exclude: [runsDir, cacheDirFor(options)],
      note: (line) => process.stderr.write(`${line}\n`),
    });
  const progress = new Progress({
    label: "eval",
    quiet: options.quiet || options.json,
    costUsd: () => hub.totals().total.knownCostUsd,
  });
  progress.follow(folder.events);
  setInterruptNote(`the completed task runs are kept in ${shownPath(folder.dir)}`);
  let summary: EvalSummary;
  try {
    const rollouts = await openRollouts();
    summary = await evaluate({
      tasks,
      skill,
      hub,
      executorModel: roles.executor,
      ...(executor ? { executor } : {}),
      ...(rollouts ? { rollouts } : {}),
      folder,
      ...executionSettings(options),
      keepWorkspaces: options.keepWorkspaces,
      ...(source.benchmark ? { grader: source.benchmark.grader } : {}),
      stopOnBudget: true,
    });
    await writeJsonAtomic(folder.summary, summary);
  } catch (error) {
    progress.stop();
    throw await stoppedRun(error, folder.dir, `the completed task runs are kept in ${shownPath(folder.dir)}`);
  } finally {
    await executor?.close();
    const note = await queue?.close(true);
    if (note && !options.quiet) process.stderr.write(`${note}\n`);
  }
  progress.stop();
  await writeReport(folder.dir);
  return summary;
}

interface EvalTasks {
  tasks: Task[];
  benchmark?: Benchmark;
  /** The split set the tasks were restricted to, for the run's config. */
  split?: { manifest: string; set: string; ids: number; missing: string[] };
}

/** The tasks of --tasks or --bench (exactly one), restricted to a split set with --split. */
async function loadEvalTasks(options: EvalOptions): Promise<EvalTasks> {
  const source = taskSourceOf(options);
  const { tasks, benchmark } = await loadTaskSource(source);
  if (options.split === undefined) return { tasks, benchmark };
  // Split names are looked up in the data folder, or beside the task file or the shipped example data.
  const searchDirs = [
    "tasks" in source
      ? dirname(resolve(source.tasks))
      : (source.data ?? dirname(dirname((benchmark as Benchmark).seedSkill))),
  ];
  const selection = await selectSplit(tasks, options.split, { searchDirs, benchmark: benchmark?.name });
  if (selection.missing.length > 0 && !options.quiet) {
    process.stderr.write(
      `note: ${selection.missing.length} id(s) of ${selection.set} in ${selection.manifestPath} are not tasks of this data (e.g. ${selection.missing[0]}); running the ${selection.tasks.length} that are\n`,
    );
  }
  return {
    tasks: selection.tasks,
    benchmark,
    split: {
      manifest: selection.manifestPath,
      set: selection.set,
      ids: selection.tasks.length,
      missing: selection.missing,
    },
  };
}
