import type { EvalSummary } from "../eval/evaluate.js";
import { isSimulatedModel } from "../models/index.js";
import type { OptimizeSummary } from "../optimizer/finish.js";

/** Whether a model string names a simulation (its provider record says so). */
export function isSimulated(model: string): boolean {
  return isSimulatedModel(model);
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const thousands = (n: number) => n.toLocaleString("en-US");

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatCost(costUsd: number | null): string {
  return costUsd === null
    ? "unknown (a model has no price; see ledger.jsonl for tokens)"
    : `$${costUsd.toFixed(4)}`;
}

export function formatEvalSummary(summary: EvalSummary): string {
  const [low, high] = summary.ci95;
  const simulated = isSimulated(summary.model) ? "  (sim: an offline simulation, not a language model)" : "";
  const failures = Object.entries(summary.outcomes)
    .filter(([outcome, count]) => outcome !== "answered" && count > 0)
    .map(([outcome, count]) => `${count} ${outcome}`);
  const stopped =
    summary.status === "stopped"
      ? [
          `stopped     ${summary.stopReason}; ${summary.notRun} task run(s) not made, the pass rate covers the ${summary.runs} made`,
        ]
      : [];
  return [
    ...stopped,
    `skill       ${summary.skill ? `${summary.skill.name} (${summary.skill.hash.slice(0, 12)})` : "none (baseline)"}`,
    `model       ${summary.model}${simulated}`,
    `pass rate   ${percent(summary.passRate)} (${summary.passes}/${summary.runs}), 95% CI ${percent(low)}–${percent(high)}`,
    `mean score  ${summary.meanScore.toFixed(3)}${failures.length > 0 ? `   no answer: ${failures.join(", ")}` : ""}`,
    `tokens      ${thousands(summary.tokens.input)} in (${thousands(summary.tokens.cachedInput)} cached), ${thousands(summary.tokens.output)} out`,
    `cost        ${formatCost(summary.costUsd)}`,
    `calls       ${summary.calls} (${summary.cachedCalls} from cache)`,
    `wall time   ${formatDuration(summary.wallMs)}`,
    `run folder  ${summary.runDir}`,
    "",
  ].join("\n");
}

export function formatOptimizeSummary(summary: OptimizeSummary): string {
  const line = (name: string, v: OptimizeSummary["seed"]) => {
    const test = v.test
      ? `test ${percent(v.test.passRate)} (${v.test.passes}/${v.test.runs}), 95% CI ${percent(v.test.ci95[0])}–${percent(v.test.ci95[1])}`
      : "test —";
    const validation = v.validation === null ? "" : `   validation ${percent(v.validation)}`;
    return `${name.padEnd(6)} ${v.version}  ${test}${validation}`;
  };
  const iterations = `${summary.iterations} iteration${summary.iterations === 1 ? "" : "s"}`;
  const stopped =
    summary.status === "stopped"
      ? `stopped after ${iterations}: ${summary.stopReason}`
      : summary.stoppedBy === "early-stop"
        ? `done: ${iterations}, stopped early (${summary.stopReason})`
        : `done: ${iterations}`;
  const simulated =
    Object.keys(summary.byModel).length > 0 && Object.keys(summary.byModel).every(isSimulated);
  return [
    stopped,
    line("seed", summary.seed),
    line("final", summary.final),
    line("best", summary.best),
    ...(summary.testNote ? [`note: ${summary.testNote}`] : []),
    ...(summary.triggers
      ? [
          `triggers held-out F1: seed ${summary.triggers.seed?.f1?.toFixed(3) ?? "—"} → best ${summary.triggers.best?.f1?.toFixed(3) ?? "—"} (precision ${percent(summary.triggers.seed?.precision ?? 0)} → ${percent(summary.triggers.best?.precision ?? 0)}, recall ${percent(summary.triggers.seed?.recall ?? 0)} → ${percent(summary.triggers.best?.recall ?? 0)})`,
        ]
      : []),
    `cost   ${formatCost(summary.costUsd)}${simulated ? " (sim: a simulation)" : ""}; ${summary.calls} calls (${summary.cachedCalls} from cache); ${formatDuration(summary.wallMs)}`,
    `best skill  ${summary.bestSkillDir}`,
    `run folder  ${summary.runDir}`,
    "",
  ].join("\n");
}
