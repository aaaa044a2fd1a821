import type { TriggerOptimizeSummary } from "../../../triggers/optimize/finish.js";
import type { TriggerEvalSummary, TriggerMetrics } from "../../../triggers/types.js";
import { formatCost, formatDuration, isSimulated } from "../../output.js";

/** How `triggers eval` and `triggers optimize` print their summaries (and `show` prints their runs). */

const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? "—" : x.toFixed(3));
const range = (r: [number, number] | null, f: (x: number) => string) => (r ? `${f(r[0])}–${f(r[1])}` : "—");

function metricsLine(m: TriggerMetrics): string {
  return `F1 ${num(m.f1)} (95% CI ${range(m.ci95.f1, (x) => x.toFixed(3))}), precision ${pct(m.precision)} (${range(m.ci95.precision, (x) => pct(x))}), recall ${pct(m.recall)} (${range(m.ci95.recall, (x) => pct(x))})`;
}

export function formatTriggerEval(summary: TriggerEvalSummary & { runDir: string }): string {
  const lines = [
    `skill       ${summary.skill.name} (${summary.skill.hash.slice(0, 12)}) among ${summary.library.length} competing skills`,
    `executor    ${summary.executor}, model ${summary.model}${isSimulated(summary.model) ? "  (sim: an offline simulation, not a language model)" : ""}`,
    `probes      ${summary.metrics.probes} (${summary.queries.length} queries × ${summary.repeat})`,
    `triggering  ${metricsLine(summary.metrics)}`,
    `            TP ${summary.metrics.tp}, FP ${summary.metrics.fp}, FN ${summary.metrics.fn}, TN ${summary.metrics.tn}; balanced accuracy ${pct(summary.metrics.balancedAccuracy)}`,
  ];
  const byId = new Map(summary.queries.map((q) => [q.id, q]));
  const list = (ids: string[], title: string) => {
    if (ids.length === 0) return;
    lines.push(`${title} (${ids.length}):`);
    for (const id of ids) {
      const q = byId.get(id);
      if (!q) continue;
      const others = Object.entries(q.others)
        .map(([name, n]) => `${name} ×${n}`)
        .join(", ");
      lines.push(`  ${id}  rate ${q.triggers}/${q.runs}  ${q.query}${others ? `  [took: ${others}]` : ""}`);
    }
  };
  list(summary.missed, "missed (should trigger)");
  list(summary.falseTriggers, "false triggers (should not)");
  lines.push(
    `cost        ${formatCost(summary.costUsd)}; ${summary.calls} calls (${summary.cachedCalls} from cache); ${formatDuration(summary.wallMs)}`,
    `run folder  ${summary.runDir}`,
    "",
  );
  return lines.join("\n");
}

export function formatTriggerOptimize(summary: TriggerOptimizeSummary): string {
  const stopped =
    summary.status === "stopped"
      ? `stopped after ${summary.iterations} iterations: ${summary.stopReason}`
      : `done: ${summary.iterations} iteration${summary.iterations === 1 ? "" : "s"}${summary.stoppedBy && summary.stoppedBy !== "iterations" ? ` (${summary.stopReason})` : ""}`;
  const line = (name: string, v: TriggerOptimizeSummary["seed"]) =>
    `${name.padEnd(6)} ${v.version}  held-out ${metricsLine(v.heldout)}; train F1 ${num(v.train.f1)}${v.test ? `; test F1 ${num(v.test.f1)} (${range(v.test.ci95.f1, (x) => x.toFixed(3))})` : ""}`;
  return [
    stopped,
    `split  ${summary.split.train} training, ${summary.split.heldout} held-out queries (seed ${summary.split.seed})${summary.split.test ? `; ${summary.split.test} test queries` : ""}`,
    line("seed", summary.seed),
    line("final", summary.final),
    line("best", summary.best),
    ...(summary.testNote ? [`note: ${summary.testNote}`] : []),
    `best description: ${summary.best.description}`,
    `cost   ${formatCost(summary.costUsd)}; ${summary.calls} calls (${summary.cachedCalls} from cache); ${formatDuration(summary.wallMs)}`,
    `best skill  ${summary.bestSkillDir}`,
    `run folder  ${summary.runDir}`,
    "",
  ].join("\n");
}
