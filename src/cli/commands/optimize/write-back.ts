import { basename, join } from "node:path";
import type { OptimizeSummary } from "../../../optimizer/finish.js";
import { writeBack } from "../../../optimizer/write-back.js";
import { writeJsonAtomic } from "../../../util/fs.js";
import { resumeCommand } from "../../interrupt.js";

/**
 * --write-back: the best version goes into the user's folder once the run is done (a run stopped by
 * its budget is written back when a resume finishes it). The summary records what was written.
 */
export async function writeBackBest(summary: OptimizeSummary, skillDir: string) {
  // on stderr even with --json: what happened to the user's own folder must always be said
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (summary.status !== "done") {
    say(
      `not written back: the run stopped (${summary.stopReason ?? summary.stoppedBy}); ${resumeCommand(summary.runDir)} finishes it and writes back`,
    );
    return;
  }
  if (summary.best.version === "v000") {
    say(`not written back: the seed skill stayed the best version; ${skillDir} is unchanged`);
    return;
  }
  const result = await writeBack({
    skillDir,
    seedDir: join(summary.runDir, "skills", "v000", basename(summary.bestSkillDir)),
    bestDir: summary.bestSkillDir,
    backupRoot: join(summary.runDir, "write-back-backup"),
  });
  summary.writeBack = result;
  await writeJsonAtomic(join(summary.runDir, "summary.json"), summary);
  if (result.backup === null) {
    say(`${result.target} already holds the best skill (${summary.best.version}); nothing written back`);
    return;
  }
  say(
    `wrote the best skill (${summary.best.version}) into ${result.target}: ${result.changed.length} changed, ${result.added.length} added, ${result.removed.length} removed; backup of the original: ${result.backup}`,
  );
  if (result.unlinked.length > 0)
    say(
      `  these were symlinks and are now regular files (their content changed): ${result.unlinked.join(", ")}`,
    );
}
