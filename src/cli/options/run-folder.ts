import { realpathSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { isInside } from "../../skill/files.js";
import { shownPath } from "../interrupt.js";

/** Where a run's folder goes, and its response cache. */
export interface RunFolderOptions {
  runsDir: string;
  cache: boolean;
  cacheDir?: string;
}

export function addRunFolderOptions(command: Command): Command {
  return command
    .option("--runs-dir <dir>", "where run folders are made", "runs")
    .option("--no-cache", "call the model even when an identical call was answered before")
    .option("--cache-dir <dir>", "response cache folder (default: <runs-dir>/.cache)");
}

/** The response cache folder: --cache-dir, or .cache inside the runs folder. */
export function cacheDirFor(options: RunFolderOptions): string {
  return options.cacheDir ? resolve(options.cacheDir) : resolve(options.runsDir, ".cache");
}

/**
 * Refuses a runs or cache folder inside the skill folder (`--skill .` with the default runs/): the
 * run's own files would be loaded as skill files, and written back over the skill.
 */
export function checkRunsOutsideSkill(skillDir: string, options: RunFolderOptions): void {
  const skill = realpathLoose(resolve(skillDir));
  const folders: Array<[string, string]> = [
    ["--runs-dir", resolve(options.runsDir)],
    ["--cache-dir", cacheDirFor(options)],
  ];
  for (const [flag, dir] of folders) {
    if (!isInside(realpathLoose(dir), skill)) continue;
    const outside = relative(process.cwd(), join(dirname(skill), `${basename(skill)}-runs`));
    throw new UsageError(
      `${flag} ${shownPath(dir)} is inside the skill folder ${skillDir}: the run's files would become part of the skill; pass ${flag} outside it, e.g. ${flag} ${outside}`,
    );
  }
}

/** The real path of a folder that may not exist yet: its deepest existing parent resolved, the rest appended. */
function realpathLoose(path: string): string {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(realpathSync(current), ...rest.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") return path; // unresolvable: compare it as given
      const parent = dirname(current);
      if (parent === current) return path;
      rest.push(basename(current));
      current = parent;
    }
  }
}
