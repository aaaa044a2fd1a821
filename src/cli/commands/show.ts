import { join } from "node:path";
import type { Command } from "commander";
import { SkillgradError } from "../../errors.js";
import { readJsonFile, readJsonLines, resolveRunDir } from "../../runs/list.js";
import { loadRun } from "../../runs/report/load.js";
import { formatIteration, formatRun, runJson } from "../../runs/report/text.js";
import { positiveInt } from "../parse.js";

interface ShowOptions {
  runsDir: string;
  iteration?: number;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("show")
    .description("print a run, or one iteration of an optimize run, as plain text")
    .argument("<run>", "a run folder, or a run id in --runs-dir")
    .option("--runs-dir <dir>", "where to look up a run id", "runs")
    .option(
      "--iteration <n>",
      "show one iteration: its tasks, diagnoses, overlay, patch and gate",
      positiveInt,
    )
    .option("--json", "print the same as JSON on stdout")
    .action(async (run: string, options: ShowOptions) => {
      const own = await ownKindText(run, options);
      if (own !== undefined) {
        process.stdout.write(own);
        return;
      }
      const data = loadRun(run, options.runsDir);
      if (options.iteration === undefined) {
        process.stdout.write(options.json ? `${JSON.stringify(runJson(data), null, 2)}\n` : formatRun(data));
        return;
      }
      const iteration = data.iterations.find((it) => it.n === options.iteration);
      if (!iteration) {
        const have = data.iterations.map((it) => it.n);
        throw new SkillgradError(
          data.kind === "eval"
            ? `${data.id} is an eval run: it has no iterations (drop --iteration)`
            : `${data.id} has no iteration ${options.iteration}: ${have.length > 0 ? `it has ${have[0]}–${have.at(-1)}` : "no iteration was started"}`,
        );
      }
      process.stdout.write(
        options.json ? `${JSON.stringify(iteration, null, 2)}\n` : formatIteration(iteration),
      );
    });
}

/** Blind comparisons and trigger runs print as their commands did (undefined for other runs). */
async function ownKindText(run: string, options: ShowOptions): Promise<string | undefined> {
  const dir = resolveRunDir(run, options.runsDir);
  const config = readJsonFile(join(dir, "config.json"));
  const summary = readJsonFile(join(dir, "summary.json"));
  const command =
    config && !(config instanceof Error) ? (config as { command?: unknown }).command : undefined;
  if (command !== "compare" && command !== "triggers eval" && command !== "triggers optimize")
    return undefined;
  if (options.iteration !== undefined)
    throw new SkillgradError(`${dir} is a ${command} run: it has no optimize iterations (drop --iteration)`);
  if (!summary || summary instanceof Error)
    return `run       ${dir} (${command}, incomplete: no summary.json yet)\n`;
  if (options.json) return `${JSON.stringify(summary, null, 2)}\n`;
  if (command === "compare") {
    const { formatCompare } = await import("./compare.js");
    const judgments = readJsonLines(join(dir, "judgments.jsonl")).rows as unknown as Parameters<
      typeof formatCompare
    >[1];
    return formatCompare(summary as Parameters<typeof formatCompare>[0], judgments, 5);
  }
  const { formatTriggerEval, formatTriggerOptimize } = await import("./triggers/format.js");
  return command === "triggers eval"
    ? formatTriggerEval(summary as Parameters<typeof formatTriggerEval>[0])
    : formatTriggerOptimize(summary as Parameters<typeof formatTriggerOptimize>[0]);
}
