import { clip, dollars, duration, esc, note, percent, section, table } from "../html.js";
import type { RunData } from "../load.js";
import { reviewMarker } from "../review.js";
import { type InlineBudget, trajectoryDetails } from "../trajectory-html.js";
import { modelLabel } from "./config.js";
import { passBadge } from "./iterations.js";

/** The headline of an eval run: pass rate with its interval, mean score, cost. */
export function evalScoreSection(data: RunData): string {
  const s = data.evalSummary;
  const passes = data.results.filter((r) => r.pass).length;
  if (!s) {
    const body = data.results.length
      ? `<p class="big">${percent(passes / data.results.length)} <span class="muted">(${passes}/${data.results.length} so far; the run did not finish)</span></p>`
      : `<p class="muted">No result yet.</p>`;
    return section("score", "Score", body);
  }
  const ci = s.ci95
    ? ` <span class="muted">95% interval ${percent(s.ci95[0])} – ${percent(s.ci95[1])}</span>`
    : "";
  const rows = [
    ["model", s.model ? modelLabel(s.model) : "—"],
    [
      "skill",
      s.skill
        ? `<code>${esc(s.skill.name)}</code> <span class="muted">${esc((s.skill.hash ?? "").slice(0, 12))}</span>`
        : "none (baseline)",
    ],
    ["tasks × runs", `${s.tasks ?? "?"} tasks, ${s.runs ?? "?"} runs`],
    ["mean score", typeof s.meanScore === "number" ? s.meanScore.toFixed(3) : "—"],
    ["cost", `${dollars(s.costUsd)} · ${s.calls ?? "?"} calls (${s.cachedCalls ?? 0} from cache)`],
    ["wall time", duration(s.wallMs)],
  ];
  return section(
    "score",
    "Score",
    `<p class="big">${percent(s.passRate)} <span class="muted">(${s.passes ?? passes}/${s.runs ?? data.results.length})</span>${ci}</p>${table(["", ""], rows, 'class="compact"')}`,
  );
}

/** Every task run with its outcome, filterable by pass/fail, each with its trajectory. */
export function tasksSection(data: RunData, budget: InlineBudget): string {
  if (data.results.length === 0)
    return section("tasks", "Tasks", `<p class="muted">No task results in the run folder.</p>`);
  const passes = data.results.filter((r) => r.pass).length;
  const filter = `<div class="filter" role="group" aria-label="filter tasks">
<button type="button" data-filter="all" class="on">all (${data.results.length})</button>
<button type="button" data-filter="pass">pass (${passes})</button>
<button type="button" data-filter="fail">fail (${data.results.length - passes})</button>
</div>`;
  const rows = data.results.map((result) => {
    const cells = [
      `<code>${esc(result.taskId)}</code>${result.repeat ? ` <span class="muted">r${result.repeat}</span>` : ""}${reviewMarker({ taskId: result.taskId, repeat: result.repeat, pass: result.pass, answer: result.answer ?? "" })}`,
      passBadge(result),
      typeof result.score === "number" ? result.score.toFixed(2) : "—",
      `<code>${esc(clip(result.answer ?? "", 160))}</code>`,
      esc(clip(result.feedback ?? result.error ?? "", 300)),
      duration(result.ms),
      trajectoryDetails(data.dir, result, budget),
    ];
    return `<tr data-pass="${result.pass ? "pass" : "fail"}">${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
  });
  const head = ["task", "outcome", "score", "answer", "grader feedback", "time", ""]
    .map((h) => `<th>${h}</th>`)
    .join("");
  const tableHtml = `<table class="tasks filterable"><thead><tr>${head}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
  const unfinished = data.evalSummary
    ? ""
    : note("The run did not finish: these are the results so far.", "warn");
  return section("tasks", "Tasks", unfinished + filter + tableHtml);
}
