import { cp, mkdir, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import type { LedgerTotals } from "../models/index.js";
import type { RunFolder } from "./run-folder.js";

/** What a loop's checkpoint says of how far it got and how it ended. */
interface EndState<Status, StoppedBy> {
  status: Status;
  stoppedBy?: StoppedBy;
  stopReason?: string;
  iteration: number;
}

/** How a summary opens: the run, whether it finished or stopped (by what, why), and its iterations. */
export function runOutcome<Status, StoppedBy>(folder: RunFolder, state: EndState<Status, StoppedBy>) {
  return {
    runId: folder.id,
    runDir: folder.dir,
    status: state.status,
    stoppedBy: state.stoppedBy ?? null,
    stopReason: state.stopReason ?? null,
    iterations: state.iteration,
  };
}

/** What a run's summary says of its model calls: cost, calls and tokens in all, and per role, model and stage. */
export interface CostSummary {
  costUsd: number | null;
  calls: number;
  cachedCalls: number;
  tokens: { input: number; cachedInput: number; output: number };
  byRole: LedgerTotals["byRole"];
  byModel: LedgerTotals["byModel"];
  byStage: LedgerTotals["byStage"];
}

export function costSummary(totals: LedgerTotals): CostSummary {
  return {
    costUsd: totals.total.costUsd,
    calls: totals.total.calls,
    cachedCalls: totals.total.cachedCalls,
    tokens: {
      input: totals.total.inputTokens,
      cachedInput: totals.total.cachedInputTokens,
      output: totals.total.outputTokens,
    },
    byRole: totals.byRole,
    byModel: totals.byModel,
    byStage: totals.byStage,
  };
}

/**
 * Makes runs/<id>/best/ hold a copy of the best version's skill folder (under the same folder name),
 * replacing what an earlier finish put there; returns the copy's path.
 */
export async function copyBestSkill(runDir: string, versionSkillDir: string): Promise<string> {
  const bestDir = join(runDir, "best");
  await rm(bestDir, { recursive: true, force: true });
  await mkdir(bestDir, { recursive: true });
  const bestSkillDir = join(bestDir, basename(versionSkillDir));
  await cp(versionSkillDir, bestSkillDir, { recursive: true });
  return bestSkillDir;
}
