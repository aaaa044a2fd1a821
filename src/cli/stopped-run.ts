import { SkillgradError, storageError } from "../errors.js";
import { writeReport } from "../runs/report/index.js";

/**
 * A run that stopped on an error the user can act on (a model service refusing every request, a
 * full disk): one line that says so and how to go on from the completed work. The report is
 * written first, to show what was done. Other errors (bugs) pass through unchanged.
 */
export async function stoppedRun(error: unknown, runDir: string, next: string): Promise<unknown> {
  const known =
    storageError(error, "free some space", runDir) ?? (error instanceof SkillgradError ? error : undefined);
  if (!known) return error;
  // the report is a view of the run: failing to write it (the disk is full) must not hide the cause
  await writeReport(runDir).catch(() => undefined);
  return new SkillgradError(`${known.message}; ${next}`, {
    exitCode: known.exitCode,
    cause: error,
  });
}
