import { lstat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { z } from "zod";
import { SkillgradError } from "../../errors.js";
import { type Grade, type Grader, passFail } from "../../graders/types.js";
import { selectSplit } from "../../tasks/split.js";
import type { Task } from "../../tasks/types.js";
import { examplePath } from "../../util/package-paths.js";
import type { Benchmark, BenchmarkTaskOptions } from "../types.js";
import { compareWorkbooks } from "./compare.js";
import { SSB_AGENT_CONTRACT, SSB_OUTPUT_FILE } from "./contract.js";
import { loadSpreadsheetBench, type SsbTask, type SsbTestCase } from "./loader.js";
import { needsRecalc, RecalcError } from "./recalc.js";
import { type QueuedRecalc, recalcQueue } from "./recalc-queue.js";

/**
 * One task per SpreadsheetBench task, on its test case 1 (SpreadsheetBench Verified has only that
 * one; the 912-task release has three per task, of which the first is used, as the paper does with
 * Verified). The id is the dataset's id.
 */
export const SSB_TEST_CASE = 1;

export function ssbPrompt(task: SsbTask, inputFile: string): string {
  return [
    task.instruction.trim(),
    "",
    `Instruction type: ${task.instructionType || "(not given)"}`,
    `Input workbook: ${inputFile}`,
    `Answer position: ${task.answerPosition}`,
    `Write the result to: ${SSB_OUTPUT_FILE}`,
    "",
    SSB_AGENT_CONTRACT,
    `Your final answer can be a one-line summary of what you changed; only ${SSB_OUTPUT_FILE} is graded.`,
  ].join("\n");
}

const SsbMeta = z.object({
  answerPath: z.string().min(1),
  answerPosition: z.string(),
});

function chosenTestCase(task: SsbTask): SsbTestCase {
  const testCase = task.testCases.find((candidate) => candidate.n === SSB_TEST_CASE) ?? task.testCases[0];
  if (!testCase) throw new SkillgradError(`SpreadsheetBench task ${task.id} has no test case`);
  return testCase;
}

export function ssbTask(task: SsbTask): Task {
  const testCase = chosenTestCase(task);
  const inputFile = basename(testCase.inputPath);
  return {
    id: task.id,
    prompt: ssbPrompt(task, inputFile),
    files: [{ from: testCase.inputPath, to: inputFile }],
    meta: {
      benchmark: "spreadsheetbench",
      instructionType: task.instructionType,
      answerPosition: task.answerPosition,
      testCase: testCase.n,
      // the paper's split counts only tasks with all their test cases (three, or a bare single one)
      testCasesComplete: task.testCases.length >= 3 || basename(testCase.inputPath) === "initial.xlsx",
      inputFile,
      answerPath: testCase.answerPath,
    },
  };
}

/**
 * Compares the workspace's output.xlsx with the test case's answer workbook like the official script,
 * after recalculating it with LibreOffice when its formulas have no cached values.
 */
export const gradeSsbOutput: Grader = async ({ task, workspace }): Promise<Grade> => {
  const parsed = SsbMeta.safeParse(task.meta);
  if (!parsed.success) {
    throw new SkillgradError(`task "${task.id}" is not a SpreadsheetBench task: its meta has no answerPath`);
  }
  const { answerPath, answerPosition } = parsed.data;
  const output = join(workspace, SSB_OUTPUT_FILE);
  const info = await lstat(output).catch(() => undefined);
  // A link could point at the answer workbook: only a file the agent wrote counts.
  if (info?.isSymbolicLink()) {
    return passFail(
      false,
      `${SSB_OUTPUT_FILE} is a symbolic link: save the whole workbook itself as ${SSB_OUTPUT_FILE}`,
    );
  }
  if (!info?.isFile()) {
    return passFail(
      false,
      `${SSB_OUTPUT_FILE} was not written: save the whole workbook as ${SSB_OUTPUT_FILE} in the workspace`,
    );
  }
  let recalculated: QueuedRecalc | undefined;
  if (await needsRecalc(output)) {
    try {
      recalculated = await recalcQueue.recalculate(output);
    } catch (error) {
      if (!(error instanceof RecalcError)) throw error;
      return passFail(
        false,
        `${SSB_OUTPUT_FILE} has formulas without values and LibreOffice could not recalculate it: ${error.message}`,
      );
    }
  }
  try {
    const graded = recalculated?.copy ?? output;
    const note = recalculated ? " (after recalculating its formulas with LibreOffice)" : "";
    const result = await compareWorkbooks(answerPath, graded, answerPosition);
    if (result.pass)
      return passFail(true, `every cell of ${answerPosition} matches the answer workbook${note}`);
    const detail = result.detail ?? result.reason ?? "does not match";
    return passFail(false, `${SSB_OUTPUT_FILE}, ${answerPosition}: ${detail}${note}`);
  } finally {
    await recalculated?.release();
  }
};

export function ssbDataDir(data: string | undefined): string {
  return resolve(data ?? examplePath("spreadsheetbench"));
}

/** SpreadsheetBench tasks (test case 1); without data, the 10 offline example tasks in examples/spreadsheetbench. */
export async function loadSsbTasks(options: BenchmarkTaskOptions): Promise<Task[]> {
  const dataDir = ssbDataDir(options.data);
  const tasks = (await loadSpreadsheetBench(dataDir)).map(ssbTask);
  if (options.split === undefined) return tasks;
  return (await selectSplit(tasks, options.split, { searchDirs: [dataDir], benchmark: "spreadsheetbench" }))
    .tasks;
}

export const benchmark: Benchmark = {
  name: "spreadsheetbench",
  description:
    "SpreadsheetBench: edit a real-world workbook and save output.xlsx (test case 1 per task); graded like the official script, with LibreOffice recalculation",
  loadTasks: loadSsbTasks,
  grader: () => gradeSsbOutput,
  seedSkill: examplePath("spreadsheetbench", "skills", "xlsx-editing"),
};
