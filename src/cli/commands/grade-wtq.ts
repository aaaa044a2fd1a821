import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { WtqGradeReport } from "../../benchmarks/wtq/predictions.js";
import { SkillgradError } from "../../errors.js";

interface GradeWtqOptions {
  data: string;
  predictions: string;
  split?: string;
  json?: boolean;
}

async function readPredictions(path: string): Promise<string> {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a folder" : `cannot be read (${code})`;
    throw new SkillgradError(
      `predictions file ${path} ${why}: pass a file with one line per question, id<TAB>value<TAB>value…`,
      { cause: error },
    );
  }
}

function summaryLine(report: WtqGradeReport): string {
  return `accuracy: ${report.accuracy.toFixed(4)} (${report.correct}/${report.graded})`;
}

/** Notes about lines that were not graded, for stderr. */
function notes(report: WtqGradeReport, dataDir: string): string[] {
  const unknown = report.results.filter((result) => result.reason === "unknown id").length;
  const duplicate = report.results.filter((result) => result.reason === "duplicate id").length;
  const lines: string[] = [];
  if (unknown > 0)
    lines.push(`note: ${unknown} prediction(s) name an id that is not a question in ${dataDir}; not graded`);
  if (duplicate > 0)
    lines.push(`note: ${duplicate} prediction(s) repeat an earlier id; only the first is graded`);
  return lines;
}

async function gradeWtqCommand(options: GradeWtqOptions): Promise<void> {
  // Loaded here, not at the top, so that `skillgrad --help` and `grade wtq --help` stay fast.
  const [{ gradePredictions, parsePredictionsTsv }, { loadWtq }] = await Promise.all([
    import("../../benchmarks/wtq/predictions.js"),
    import("../../benchmarks/wtq/loader.js"),
  ]);
  const text = await readPredictions(options.predictions);
  const predictions = parsePredictionsTsv(text);
  if (predictions.length === 0) {
    throw new SkillgradError(
      `predictions file ${options.predictions} is empty: write one line per question, id<TAB>value<TAB>value…`,
    );
  }
  // Only the questions the predictions name are read.
  const ids = new Set(predictions.map((prediction) => prediction.id));
  const questions = await loadWtq(options.data, {
    ids,
    ...(options.split === undefined ? {} : { split: options.split }),
  });
  const report = gradePredictions(questions, predictions);
  if (options.json) {
    process.stdout.write(report.results.map((result) => `${JSON.stringify(result)}\n`).join(""));
    process.stderr.write(`${summaryLine(report)}\n`);
  } else {
    process.stdout.write(`${summaryLine(report)}\n`);
  }
  for (const note of notes(report, options.data)) process.stderr.write(`${note}\n`);
}

export function register(grade: Command): void {
  grade
    .command("wtq")
    .description("grade WikiTableQuestions predictions exactly as the official evaluator does")
    .requiredOption(
      "--data <dir>",
      "WTQ data: questions/*.jsonl + tables/ (skillgrad form) or the official release folder",
    )
    .requiredOption(
      "--predictions <file>",
      "one line per question: id<TAB>value<TAB>value… (a line with only the id = no answer)",
    )
    .option("--split <name>", "grade against this split only (e.g. unseen); other ids count as unknown")
    .option("--json", "print one JSON object per prediction line on stdout: {id, correct, reason?}")
    .addHelpText(
      "after",
      "\nAccuracy is correct / graded lines; lines with unknown or repeated ids are reported but not counted.\n",
    )
    .action(async (options: GradeWtqOptions) => {
      await gradeWtqCommand(options);
    });
}
