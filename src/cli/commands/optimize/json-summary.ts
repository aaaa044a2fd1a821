import type { OptimizeSummary } from "../../../optimizer/finish.js";

/** The --json object: the documented keys first, everything else after. */
export function jsonSummary(summary: OptimizeSummary) {
  const score = (v: OptimizeSummary["seed"]) => ({
    version: v.version,
    hash: v.hash,
    validation: v.validation,
    passRate: v.test?.passRate ?? null,
    ci95: v.test?.ci95 ?? null,
  });
  return {
    runId: summary.runId,
    runDir: summary.runDir,
    iterations: summary.iterations,
    seed: score(summary.seed),
    final: score(summary.final),
    best: score(summary.best),
    costUsd: summary.costUsd,
    calls: summary.calls,
    cachedCalls: summary.cachedCalls,
    wallMs: summary.wallMs,
    status: summary.status,
    stoppedBy: summary.stoppedBy,
    stopReason: summary.stopReason,
    testNote: summary.testNote,
    bestSkillDir: summary.bestSkillDir,
    ...(summary.writeBack ? { writeBack: summary.writeBack } : {}),
    ...(summary.triggers ? { triggers: summary.triggers } : {}),
  };
}
