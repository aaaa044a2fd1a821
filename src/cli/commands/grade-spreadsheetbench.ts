import type { Command } from "commander";
import type { TaskGrade } from "../../benchmarks/spreadsheetbench/grade.js";
import type { SsbTask } from "../../benchmarks/spreadsheetbench/loader.js";
import { SkillgradError, UsageError } from "../../errors.js";

interface GradeSsbCliOptions {
  data: string;
  outputs: string;
  ids?: string;
  recalc: boolean;
  json?: boolean;
}

const HELP_AFTER = `
The outputs folder holds {n}_{id}_output.xlsx files (the official naming), one per test case.
Graded tasks: those in --ids, else every task with at least one output file. A test case passes
when every cell of the task's answer_position holds the gold workbook's cached value, compared
as the official SpreadsheetBench script does (numbers rounded to 2 decimals, dates to serial
days, "" equal to empty). Outputs whose formulas have no cached values are first recalculated
with LibreOffice headless (--no-recalc grades them as written).

Prints one line per task and "hard: <mean> (<passed>/<tasks>)  soft: <mean>"; with --json, one
JSON object per task per line on stdout: {"id", "testCases": [true|false|null, ...], "hard",
"soft", "reasons"} (null: no output file for that test case), and the summary on stderr.`;

export function register(grade: Command): void {
  grade
    .command("spreadsheetbench")
    .description("grade SpreadsheetBench output workbooks like the official evaluation script")
    .requiredOption("--data <dir>", "SpreadsheetBench folder (dataset.json + spreadsheet/<id>/)")
    .requiredOption("--outputs <dir>", "folder of {n}_{id}_output.xlsx workbooks")
    .option("--ids <ids>", "comma-separated task ids to grade (default: tasks with an output)")
    .option("--recalc", "recalculate outputs whose formulas have no cached values (default)", true)
    .option("--no-recalc", "grade outputs as written, without LibreOffice")
    .option("--json", "print one JSON object per task on stdout")
    .addHelpText("after", HELP_AFTER)
    .action(async (options: GradeSsbCliOptions) => {
      // Loaded here, not at the top, so that `skillgrad --help` and `grade … --help` stay fast.
      const [{ findOutputs, gradeTasks }, { loadSpreadsheetBench }] = await Promise.all([
        import("../../benchmarks/spreadsheetbench/grade.js"),
        import("../../benchmarks/spreadsheetbench/loader.js"),
      ]);
      const outputs = await findOutputs(options.outputs);
      // Only the folders of the tasks to grade are read.
      const wanted = new Set(options.ids === undefined ? outputs.keys() : parseIds(options.ids));
      const tasks = await loadSpreadsheetBench(options.data, { ids: wanted });
      const selected = selectTasks(tasks, outputs, options);
      const known = selected.flatMap((entry) =>
        entry.task === undefined ? [] : [{ task: entry.task, outputs: outputs.get(entry.id) ?? new Map() }],
      );
      const graded = new Map(
        (await gradeTasks(known, { recalc: options.recalc })).map((result) => [result.id, result]),
      );
      const grades = selected.map((entry) => graded.get(entry.id) ?? unknownTask(entry.id, options.data));
      const summary = summarize(grades);
      if (options.json) {
        for (const result of grades) process.stdout.write(`${JSON.stringify(result)}\n`);
        process.stderr.write(`${summary}\n`);
      } else {
        for (const result of grades) process.stdout.write(`${formatTask(result)}\n`);
        process.stdout.write(`${summary}\n`);
      }
    });
}

function selectTasks(
  tasks: SsbTask[],
  outputs: Map<string, Map<number, string>>,
  options: GradeSsbCliOptions,
): { id: string; task?: SsbTask }[] {
  const byId = new Map(tasks.map((task) => [task.id, task]));
  if (options.ids !== undefined) {
    const ids = parseIds(options.ids);
    if (ids.length === 0)
      throw new UsageError("--ids is empty: give comma-separated task ids, e.g. --ids 30468,79-7");
    return ids.map((id) => ({ id, task: byId.get(id) }));
  }
  const withOutputs = tasks.filter((task) => outputs.has(task.id));
  if (withOutputs.length === 0) {
    throw new SkillgradError(
      `no output files for any task of ${options.data} in ${options.outputs}: expected files named {n}_{id}_output.xlsx (e.g. 1_30468_output.xlsx)`,
    );
  }
  return withOutputs.map((task) => ({ id: task.id, task }));
}

function parseIds(text: string): string[] {
  return [...new Set(text.split(",").map((id) => id.trim()))].filter((id) => id !== "");
}

function unknownTask(id: string, dataDir: string): TaskGrade {
  return {
    id,
    testCases: [],
    hard: 0,
    soft: 0,
    reasons: [`unknown task id ${id}: not in ${dataDir}/dataset.json`],
  };
}

function summarize(grades: TaskGrade[]): string {
  const count = grades.length;
  const hardPassed = grades.reduce((sum, result) => sum + result.hard, 0);
  const soft = count > 0 ? grades.reduce((sum, result) => sum + result.soft, 0) / count : 0;
  const hard = count > 0 ? hardPassed / count : 0;
  return `hard: ${hard.toFixed(4)} (${hardPassed}/${count})  soft: ${soft.toFixed(4)}`;
}

function formatTask(result: TaskGrade): string {
  const passed = result.testCases.filter((value) => value === true).length;
  const status = result.hard === 1 ? "PASS" : "FAIL";
  const head = `${status}  ${result.id}  ${passed}/${result.testCases.length}`;
  return result.reasons.length === 0 ? head : `${head}  ${result.reasons.join("; ")}`;
}
