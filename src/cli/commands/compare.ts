import { resolve } from "node:path";
import type { Command } from "commander";
import { type ComparedSide, judgeSides } from "../../compare/compare.js";
import { versionsOfRun } from "../../compare/from-run.js";
import { isUnusable } from "../../compare/judge.js";
import { runSide } from "../../compare/sides.js";
import type { CompareSummary, Judgment, UnusableJudgment } from "../../compare/types.js";
import { UsageError } from "../../errors.js";
import { createExecutor } from "../../executor/index.js";
import type { Grader } from "../../graders/index.js";
import { checkModelCredentials, type ModelRole, resolveRoleModels } from "../../models/index.js";
import { writeReport } from "../../runs/report/index.js";
import { createRunFolder } from "../../runs/run-folder.js";
import { skillHash } from "../../skill/index.js";
import type { Task } from "../../tasks/types.js";
import { setInterruptNote, shownPath } from "../interrupt.js";
import {
  addRunOptions,
  addTaskSourceOptions,
  benchmarkGrader,
  checkRunsOutsideSkill,
  configOf,
  executionSettings,
  executorChoice,
  hubConfig,
  loadTaskSource,
  type RunOptions,
  refuseQueue,
  runHub,
  type TaskSourceOptions,
  taskSourceOf,
} from "../options/index.js";
import { formatCost, formatDuration, isSimulated } from "../output.js";
import { nonNegativeInt } from "../parse.js";
import { loadSkillOrExplain } from "../skill-input.js";
import { stoppedRun } from "../stopped-run.js";
// Registers the offline simulation as the `sim` model provider.
import "../../sim/index.js";

interface CompareCliOptions extends RunOptions, TaskSourceOptions {
  skillA?: string;
  skillB?: string;
  run?: string;
  versions: string;
  judgeModel?: string;
  seed: number;
  show: number;
}

export function register(program: Command): void {
  const command = addRunOptions(program.command("compare"))
    .description(
      "blind comparison of two skills, or two versions of a run: a judge model sees both outputs of each task " +
        "in a seeded random order, never which skill made which; B's win rate with a 95% interval and the reasons",
    )
    .option("--skill-a <dir>", "the first skill folder (A)")
    .option("--skill-b <dir>", "the second skill folder (B)");
  addTaskSourceOptions(command, {
    tasks: "JSONL task file both skills run on",
    bench: "a benchmark's tasks and grader instead of --tasks (see skillgrad bench list)",
    data: "with --bench: prepared data (default: the small offline example)",
  })
    .option(
      "--run <dir>",
      "instead of two skills: an optimize run, whose versions are compared on the outputs its test split kept",
    )
    .option("--versions <a,b>", "with --run: the two versions, each seed, final, best or vNNN", "seed,best")
    .option("--judge-model <model>", "the judge's model (overrides --model)")
    .option("--seed <n>", "seed of the per-task order in which the judge sees the outputs", nonNegativeInt, 0)
    .option("--show <n>", "judge's reasons to print (all are in judgments.jsonl)", nonNegativeInt, 5)
    .addHelpText(
      "after",
      [
        "",
        "The judge sees the task, its reference answer when it has one, and the two outputs (final answer,",
        'small text files written) as "Output 1" and "Output 2". Which side is Output 1 is drawn per task',
        "from --seed, the task id and the repeat alone, and recorded in judgments.jsonl; the judge is never",
        "told which skill or version made which. A win rate counts a tie as half a win (95% Wilson interval).",
        "",
        "Examples (offline; `sim` is a simulation, not a language model):",
        "  skillgrad compare --skill-a examples/sim-world/skills/csv-analyst --skill-b runs/<id>/best/csv-analyst \\",
        "    --tasks examples/sim-world/tasks.jsonl --model sim",
        "  skillgrad compare --run runs/<id> --versions seed,best --model sim",
      ].join("\n"),
    )
    .action(async (options: CompareCliOptions, command: Command) => {
      if (options.run !== undefined) refuseAgentFlags(command);
      const { summary, judgments } = await compareCommand(options);
      process.stdout.write(
        options.json
          ? `${JSON.stringify(summary, null, 2)}\n`
          : formatCompare(summary, judgments, options.show),
      );
    });
}

/** Flags that only shape how agents run: --run runs none (it judges outputs the run kept). */
const AGENT_FLAGS = [
  "executor",
  "executorBin",
  "executorModel",
  "repeat",
  "sandbox",
  "trustGraders",
  "maxTurns",
  "commandTimeout",
  "taskTimeout",
];

function refuseAgentFlags(command: Command): void {
  const given = AGENT_FLAGS.filter((name) => command.getOptionValueSource(name) === "cli");
  if (given.length > 0) {
    const flags = given.map((name) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new UsageError(
      `--run judges the outputs the run kept and runs no agent: leave out ${flags.join(", ")}`,
    );
  }
}

async function compareCommand(options: CompareCliOptions) {
  const fromRun = options.run !== undefined;
  const fromSkills = options.skillA !== undefined || options.skillB !== undefined;
  if (fromRun === fromSkills)
    throw new UsageError(
      "give either --skill-a DIR and --skill-b DIR (with --tasks or --bench), or --run RUN",
    );
  if (fromSkills && (options.skillA === undefined || options.skillB === undefined))
    throw new UsageError("give both --skill-a DIR and --skill-b DIR");
  if (fromRun && (options.tasks !== undefined || options.bench !== undefined))
    throw new UsageError(
      "--run compares the outputs the run kept on its own test tasks: leave out --tasks/--bench",
    );
  const versions = options.versions.split(",").map((v) => v.trim());
  if (versions.length !== 2 || versions.some((v) => v === ""))
    throw new UsageError("--versions takes two versions separated by a comma, e.g. --versions seed,best");

  refuseQueue(options, "compare");
  const config = configOf(options);
  const roles = resolveRoleModels({
    model: options.model ?? options.executorModel,
    executorModel: options.executorModel,
    judgeModel: options.judgeModel,
    config: config.models,
  });
  const used: ModelRole[] = fromRun ? ["judge"] : ["executor", "judge"];
  checkModelCredentials(
    used.map((role) => roles[role]),
    process.env,
  );
  const started = Date.now();
  const sides: { a: ComparedSide; b: ComparedSide } = {
    a: { label: "", skill: null, runs: [] },
    b: { label: "", skill: null, runs: [] },
  };
  let tasks: Task[];
  let grader: ((task: Task) => Grader) | undefined;
  let runConfig: Record<string, unknown>;
  let skills: Awaited<ReturnType<typeof loadSkillOrExplain>>[] = [];
  if (options.run !== undefined) {
    const runDir = resolve(options.run);
    const loaded = await versionsOfRun(runDir, versions as [string, string]);
    tasks = loaded.tasks;
    const [a, b] = loaded.sides;
    sides.a = { label: a.label, skill: a.skill, runs: a.runs };
    sides.b = { label: b.label, skill: b.skill, runs: b.runs };
    runConfig = { source: { run: runDir, versions: [a.version, b.version] } };
  } else {
    const source = await loadTaskSource(taskSourceOf(options));
    tasks = source.tasks;
    grader = benchmarkGrader(source.benchmark);
    for (const dir of [options.skillA as string, options.skillB as string])
      checkRunsOutsideSkill(dir, options);
    skills = [
      await loadSkillOrExplain(options.skillA as string),
      await loadSkillOrExplain(options.skillB as string),
    ];
    runConfig = {
      source: {
        skillA: resolve(options.skillA as string),
        skillB: resolve(options.skillB as string),
        ...(options.tasks ? { tasks: resolve(options.tasks) } : {}),
        ...(options.bench ? { bench: options.bench, data: options.data ? resolve(options.data) : null } : {}),
      },
      executor: executorChoice(options, config),
      ...executionSettings(options),
    };
  }
  const folder = await createRunFolder(resolve(options.runsDir), "compare", {
    command: "compare",
    ...runConfig,
    seed: options.seed,
    models: fromRun ? { judge: roles.judge } : { executor: roles.executor, judge: roles.judge },
    cache: options.cache,
  });
  const hub = await runHub(hubConfig(options, roles, config), folder, { checkRoles: used });
  if (!options.json && !options.quiet) {
    const note = used.some((role) => isSimulated(roles[role])) ? " — sim is an offline simulation" : "";
    process.stderr.write(
      `compare: ${tasks.length} tasks; judge ${roles.judge}${fromRun ? "" : `, executor model ${roles.executor}`}${note}\nrun folder: ${folder.dir}\n`,
    );
  }
  setInterruptNote(`what was done is kept in ${shownPath(folder.dir)}`);
  try {
    if (skills.length === 2) {
      const choice = executorChoice(options, config);
      const executor = await createExecutor(choice, { hub, executorModel: roles.executor });
      try {
        for (const [index, side] of (["a", "b"] as const).entries()) {
          const skill = skills[index] as (typeof skills)[number];
          hub.setStage(`execute-${side}`);
          const { runs } = await runSide({
            side,
            tasks,
            skill,
            hub,
            executor,
            executorModel: roles.executor,
            folder,
            ...executionSettings(options),
            ...(grader ? { grader } : {}),
          });
          const label = shownPath(
            resolve(side === "a" ? (options.skillA as string) : (options.skillB as string)),
          );
          sides[side] = { label, skill: { name: skill.name, hash: skillHash(skill) }, runs };
        }
      } finally {
        await executor.close();
      }
    }
    const outcome = await judgeSides({
      folder,
      hub,
      judgeModel: roles.judge,
      seed: options.seed,
      concurrency: options.concurrency,
      tasks,
      sides,
      startedAt: started,
    });
    await writeReport(folder.dir);
    return outcome;
  } catch (error) {
    throw await stoppedRun(error, folder.dir, `what was done is kept in ${shownPath(folder.dir)}`);
  }
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatCompare(
  summary: CompareSummary,
  judgments: Array<Judgment | UnusableJudgment>,
  show: number,
): string {
  const skill = (s: CompareSummary["a"]) =>
    s.skill ? ` (${s.skill.name} ${s.skill.hash.slice(0, 12)})` : "";
  const lines = [
    `A           ${summary.a.label}${skill(summary.a)}`,
    `B           ${summary.b.label}${skill(summary.b)}`,
    `judge       ${summary.judge}${isSimulated(summary.judge) ? "  (sim: an offline simulation, not a language model)" : ""}`,
    `pairs       ${summary.pairs} task runs, ${summary.judged} judged${summary.unusable ? `, ${summary.unusable} unusable replies` : ""}; order drawn with seed ${summary.seed}`,
    `B over A    win rate ${percent(summary.winRateB)} (B ${summary.winsB}, A ${summary.winsA}, ties ${summary.ties}), 95% CI ${percent(summary.ci95B[0])}–${percent(summary.ci95B[1])}`,
    `pass rate   A ${percent(summary.a.passRate)}, B ${percent(summary.b.passRate)} (by the graders; the judge does not see them)`,
    `position    the judge picked Output 1 in ${percent(summary.firstPicked)} of the pairs it decided`,
  ];
  const decided = judgments.filter((j): j is Judgment => !isUnusable(j) && j.winner !== "tie");
  if (show > 0 && decided.length > 0) {
    lines.push(
      `reasons     (${Math.min(show, decided.length)} of ${decided.length} decided pairs; all in judgments.jsonl)`,
    );
    for (const j of decided.slice(0, show)) {
      const text = j.reason.replace(/\s+/g, " ");
      lines.push(
        `  ${j.taskId}${j.repeat ? ` r${j.repeat}` : ""}: ${j.winner.toUpperCase()} won (shown ${j.first === j.winner ? "first" : "second"}): ${text.length > 200 ? `${text.slice(0, 199)}…` : text}`,
      );
    }
  }
  lines.push(
    `cost        ${formatCost(summary.costUsd)}; ${summary.calls} calls (${summary.cachedCalls} from cache); ${formatDuration(summary.wallMs)}`,
    `run folder  ${summary.runDir}`,
    "",
  );
  return lines.join("\n");
}
