import { BudgetExceededError } from "../../models/index.js";
import { type CostSummary, copyBestSkill, costSummary, runOutcome } from "../../runs/summary.js";
import { loadSkill } from "../../skill/index.js";
import type { TriggerMetrics } from "../types.js";
import type { TriggerOptimizeInput, TriggerState, TriggerVersion } from "./loop.js";
import { evaluateTriggerVersion, versionSkillDir } from "./versions.js";

export interface VersionSummary {
  version: string;
  hash: string;
  description: string;
  train: TriggerMetrics;
  heldout: TriggerMetrics;
  /** On --test-queries, when given (never used for choosing). */
  test: TriggerMetrics | null;
}

export interface TriggerOptimizeSummary extends CostSummary {
  runId: string;
  runDir: string;
  status: TriggerState["status"];
  stoppedBy: TriggerState["stoppedBy"] | null;
  stopReason: string | null;
  iterations: number;
  split: { seed: number; holdout: number; train: number; heldout: number; test: number };
  seed: VersionSummary;
  best: VersionSummary;
  final: VersionSummary;
  versions: Array<
    Pick<TriggerVersion, "id" | "iteration" | "accepted"> & {
      trainF1: number | null;
      heldoutF1: number | null;
    }
  >;
  testNote: string | null;
  bestSkillDir: string;
  wallMs: number;
}

/** The end of a trigger run: seed and best on the test queries (when given), best/ and the summary. */
export async function finishTriggerRun(
  input: TriggerOptimizeInput,
  state: TriggerState,
  startedAt: number,
): Promise<TriggerOptimizeSummary> {
  const { folder, hub } = input;
  const seedSkill = await loadSkill(input.seedSkillDir);
  const skillDir = (version: string) => versionSkillDir(folder.dir, seedSkill.name, version);
  const tests = new Map<string, TriggerMetrics>();
  let testNote: string | null = null;
  if (!input.testQueries) testNote = null;
  else if (state.status === "stopped") testNote = "the budget ran out before the test queries were run";
  else {
    try {
      for (const version of [...new Set(["v000", state.best])]) {
        const evaluation = await evaluateTriggerVersion(
          input,
          skillDir(version),
          version,
          "test",
          input.testQueries,
        );
        tests.set(version, evaluation.summary.metrics);
      }
    } catch (error) {
      if (!(error instanceof BudgetExceededError)) throw error;
      testNote = `the budget ran out during the test queries (${error.message})`;
    }
  }
  const summaryOf = (id: string): VersionSummary => {
    const v = state.versions.find((version) => version.id === id) ?? (state.versions[0] as TriggerVersion);
    return {
      version: v.id,
      hash: v.hash,
      description: v.description,
      train: v.train,
      heldout: v.heldout,
      test: tests.get(v.id) ?? null,
    };
  };
  const bestSkillDir = await copyBestSkill(folder.dir, skillDir(state.best));
  return {
    ...runOutcome(folder, state),
    split: {
      seed: input.split.seed,
      holdout: input.split.holdout,
      train: input.split.train.length,
      heldout: input.split.heldout.length,
      test: input.testQueries?.length ?? 0,
    },
    seed: summaryOf("v000"),
    best: summaryOf(state.best),
    final: summaryOf(state.current),
    versions: state.versions.map((v) => ({
      id: v.id,
      iteration: v.iteration,
      accepted: v.accepted,
      trainF1: v.train.f1,
      heldoutF1: v.heldout.f1,
    })),
    testNote,
    bestSkillDir,
    ...costSummary(hub.totals()),
    wallMs: Date.now() - startedAt,
  };
}
