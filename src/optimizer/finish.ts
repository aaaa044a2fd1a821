import { join } from "node:path";
import { round4, wilsonInterval } from "../eval/stats.js";
import { BudgetExceededError } from "../models/index.js";
import { type CostSummary, copyBestSkill, costSummary, runOutcome } from "../runs/summary.js";
import type { TriggerMetrics } from "../triggers/types.js";
import { evaluateVersion } from "./evaluate-version.js";
import type { LoopResult } from "./loop.js";
import type { LoopState } from "./state.js";
import type { OptimizeInput } from "./types.js";
import type { WriteBackResult } from "./write-back.js";

export interface VersionScore {
  version: string;
  hash: string;
  validation: number | null;
  test: { passRate: number; ci95: [number, number]; passes: number; runs: number; meanScore: number } | null;
}

export interface OptimizeSummary extends CostSummary {
  runId: string;
  runDir: string;
  status: LoopState["status"];
  stoppedBy: LoopState["stoppedBy"] | null;
  stopReason: string | null;
  iterations: number;
  trainSize: number;
  versions: Array<{ id: string; hash: string; iteration: number; validation: number | null }>;
  seed: VersionScore;
  final: VersionScore;
  best: VersionScore;
  /** Why a test score is missing (e.g. the budget ran out before the test split). */
  testNote: string | null;
  bestSkillDir: string;
  wallMs: number;
  /** What --write-back wrote into the user's folder, when it did. */
  writeBack?: WriteBackResult;
  /** Joint optimization (--trigger-queries): held-out trigger metrics of the seed and the best version. */
  triggers?: { seed: TriggerMetrics | null; best: TriggerMetrics | null };
}

/**
 * The end of a run: the seed, final and best versions on the test split (each distinct version
 * once), the best skill copied to runs/<id>/best/, and summary.json.
 */
export async function finishRun(
  input: OptimizeInput,
  loop: LoopResult,
  startedAt: number,
): Promise<OptimizeSummary> {
  const { folder, hub, split } = input;
  const { state } = loop;
  const record = (id: string) => state.versions.find((v) => v.id === id) ?? state.versions[0];
  const ids = [...new Set(["v000", state.current, state.best])];
  const tests = new Map<string, VersionScore["test"]>();
  let testNote: string | null = null;
  if (split.test.length === 0) testNote = "no test split: give tasks to a test set to measure the versions";
  else if (state.stoppedBy === "budget") testNote = "the budget ran out before the test split was evaluated";
  else {
    try {
      await evaluateTests();
    } catch (error) {
      if (!(error instanceof BudgetExceededError)) throw error;
      testNote = `the budget ran out during the test split (${error.message}); versions without a test score were not measured`;
    }
  }
  async function evaluateTests() {
    hub.setStage("test");
    for (const id of ids) {
      const { summary: s } = await evaluateVersion(input, join("test", id), split.test, loop.skillDir(id));
      tests.set(id, {
        passRate: s.passRate,
        ci95: wilsonInterval(s.passes, s.runs).map(round4) as [number, number],
        passes: s.passes,
        runs: s.runs,
        meanScore: s.meanScore,
      });
    }
  }
  const score = (id: string): VersionScore => {
    const v = record(id);
    return {
      version: v?.id ?? id,
      hash: v?.hash ?? "",
      validation: v?.validation ?? null,
      test: tests.get(id) ?? null,
    };
  };
  const bestSkillDir = await copyBestSkill(folder.dir, loop.skillDir(state.best));
  return {
    ...runOutcome(folder, state),
    trainSize: state.trainIds?.length ?? 0,
    versions: state.versions.map(({ id, hash, iteration, validation }) => ({
      id,
      hash,
      iteration,
      validation,
    })),
    seed: score("v000"),
    final: score(state.current),
    best: score(state.best),
    testNote,
    bestSkillDir,
    ...costSummary(hub.totals()),
    wallMs: Date.now() - startedAt,
  };
}
