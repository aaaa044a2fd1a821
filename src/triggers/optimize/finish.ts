import { cp, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { BudgetExceededError, type LedgerTotals } from "../../models/index.js";
import { loadSkill } from "../../skill/index.js";
import { evaluateTriggers } from "../evaluate.js";
import type { TriggerMetrics } from "../types.js";
import {
  onceTriggerStage,
  type TriggerOptimizeInput,
  type TriggerState,
  type TriggerVersion,
} from "./loop.js";

export interface VersionSummary {
  version: string;
  hash: string;
  description: string;
  train: TriggerMetrics;
  heldout: TriggerMetrics;
  /** On --test-queries, when given (never used for choosing). */
  test: TriggerMetrics | null;
}

export interface TriggerOptimizeSummary {
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
  costUsd: number | null;
  calls: number;
  cachedCalls: number;
  tokens: { input: number; cachedInput: number; output: number };
  byRole: LedgerTotals["byRole"];
  byStage: LedgerTotals["byStage"];
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
  const skillDir = (version: string) => join(folder.dir, "skills", version, seedSkill.name);
  const tests = new Map<string, TriggerMetrics>();
  let testNote: string | null = null;
  if (!input.testQueries) testNote = null;
  else if (state.status === "stopped") testNote = "the budget ran out before the test queries were run";
  else {
    try {
      hub.setStage("test");
      for (const version of [...new Set(["v000", state.best])]) {
        const subdir = join("versions", version, "test");
        const evaluation = await onceTriggerStage(join(folder.dir, subdir, "evaluation.json"), async () => {
          await rm(join(folder.dir, subdir), { recursive: true, force: true });
          return evaluateTriggers({
            queries: input.testQueries ?? [],
            skill: await loadSkill(skillDir(version)),
            library: input.library,
            executor: input.executor,
            executorModel: input.executorModel,
            hub,
            folder,
            subdir,
            repeat: input.settings.repeat,
            concurrency: input.settings.concurrency,
            patience: input.settings.patience,
            sandbox: input.settings.sandbox,
            maxTurns: input.settings.maxTurns,
            commandTimeoutSec: input.settings.commandTimeoutSec,
            taskTimeoutSec: input.settings.taskTimeoutSec,
          });
        });
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
  const bestDir = join(folder.dir, "best");
  await rm(bestDir, { recursive: true, force: true });
  await mkdir(bestDir, { recursive: true });
  const bestSkillDir = join(bestDir, seedSkill.name);
  await cp(skillDir(state.best), bestSkillDir, { recursive: true });
  const totals = hub.totals();
  return {
    runId: folder.id,
    runDir: folder.dir,
    status: state.status,
    stoppedBy: state.stoppedBy ?? null,
    stopReason: state.stopReason ?? null,
    iterations: state.iteration,
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
    costUsd: totals.total.costUsd,
    calls: totals.total.calls,
    cachedCalls: totals.total.cachedCalls,
    tokens: {
      input: totals.total.inputTokens,
      cachedInput: totals.total.cachedInputTokens,
      output: totals.total.outputTokens,
    },
    byRole: totals.byRole,
    byStage: totals.byStage,
    wallMs: Date.now() - startedAt,
  };
}
