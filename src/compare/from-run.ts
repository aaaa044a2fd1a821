import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { loadBenchmark } from "../benchmarks/registry.js";
import { SkillgradError, UsageError } from "../errors.js";
import { loadTasks } from "../tasks/load.js";
import type { Task } from "../tasks/types.js";
import { readJsonFileSync } from "../util/fs.js";
import { readSide } from "./sides.js";
import type { SideRun } from "./types.js";

interface OptimizeRunFiles {
  source?: { tasks?: string; bench?: string; data?: string };
}

interface SummaryFile {
  seed?: { version?: string; hash?: string };
  final?: { version?: string; hash?: string };
  best?: { version?: string; hash?: string };
  versions?: Array<{ id: string; hash: string }>;
}

/** A version of an optimize run, as kept on its test split: the runs and the skill that made them. */
export interface RunVersionSide {
  label: string;
  version: string;
  skill: { name: string; hash: string } | null;
  runs: SideRun[];
}

/** "seed", "final", "best" or a version id (v000, v003 …) of an optimize run, as a version id. */
function versionOf(name: string, summary: SummaryFile | undefined): string {
  if (/^v\d{3,}$/.test(name)) return name;
  const named = name === "seed" || name === "final" || name === "best" ? summary?.[name]?.version : undefined;
  if (named) return named;
  throw new UsageError(
    `unknown version "${name}": use seed, final, best or a version id such as v000 (skillgrad show RUN lists them)`,
  );
}

function skillNameIn(runDir: string, version: string): string | null {
  const root = join(runDir, "skills", version);
  if (!existsSync(root)) return null;
  return readdirSync(root, { withFileTypes: true }).find((entry) => entry.isDirectory())?.name ?? null;
}

/**
 * Two versions of a finished optimize run, from the evaluations it kept on its test split
 * (test/<version>/evaluation.json): no task is run again. The tasks come from the run's config.
 */
export async function versionsOfRun(
  runDir: string,
  names: [string, string],
): Promise<{ tasks: Task[]; sides: [RunVersionSide, RunVersionSide] }> {
  const config = readJsonFileSync<OptimizeRunFiles & { kind?: string }>(
    join(runDir, "config.json"),
    "the run's configuration",
    "pass an optimize run folder",
  );
  if (config?.kind !== "optimize")
    throw new UsageError(`${runDir} is not an optimize run: --run takes an optimize run folder`);
  const summary = readJsonFileSync<SummaryFile>(
    join(runDir, "summary.json"),
    "the run's summary",
    "let the run finish (skillgrad optimize --resume RUN), then compare",
  );
  const sides = await Promise.all(
    names.map(async (name): Promise<RunVersionSide> => {
      const version = versionOf(name, summary);
      const file = join(runDir, "test", version, "evaluation.json");
      if (!existsSync(file)) {
        throw new SkillgradError(
          `${runDir} has no test evaluation of ${version} (only the seed, final and best versions are measured on test); compare other versions with --skill-a/--skill-b and --tasks`,
        );
      }
      const skillName = skillNameIn(runDir, version);
      const hash = summary?.versions?.find((v) => v.id === version)?.hash;
      return {
        label: `${name === version ? version : `${name} (${version})`}`,
        version,
        skill: skillName && hash ? { name: skillName, hash } : null,
        runs: await readSide(file),
      };
    }),
  );
  const source = config.source ?? {};
  let tasks: Task[];
  if (source.tasks) tasks = await loadTasks(source.tasks);
  else if (source.bench) {
    const benchmark = await loadBenchmark(source.bench);
    tasks = await benchmark.loadTasks(source.data ? { data: source.data } : {});
  } else
    throw new SkillgradError(
      `${runDir}/config.json names no tasks; compare with --skill-a/--skill-b and --tasks`,
    );
  return { tasks, sides: sides as [RunVersionSide, RunVersionSide] };
}
