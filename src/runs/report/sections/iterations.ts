import { diffFolders, skillDiffHtml } from "../diff-html.js";
import { badge, clip, details, esc, note, percent, section, table } from "../html.js";
import { type IterationData, type RunData, versionDir } from "../load.js";
import { reviewMarker } from "../review.js";
import type { ReportDiagnosis, ReportTaskResult } from "../schemas.js";
import { type InlineBudget, trajectoryDetails } from "../trajectory-html.js";
import { batchPassRate, decisionOf } from "./curve.js";

const NOT_REACHED = "Not reached: the iteration did not finish.";

export function passBadge(result: ReportTaskResult): string {
  return result.pass
    ? badge("pass", "pass")
    : badge(result.outcome && result.outcome !== "answered" ? result.outcome : "fail", "fail");
}

function tasksTable(data: RunData, iteration: IterationData, budget: InlineBudget): string {
  if (iteration.results.length === 0) {
    const planned = iteration.batch?.tasks.join(", ");
    return `<p class="muted">No task results${planned ? ` (the batch was ${esc(planned)})` : ""}: the batch did not run to the end.</p>`;
  }
  const labels = new Map((iteration.diagnoses ?? []).map((d) => [`${d.taskId}#${d.repeat ?? 0}`, d]));
  const rows = iteration.results.map((result) => {
    const diagnosis = labels.get(`${result.taskId}#${result.repeat}`);
    const label = diagnosis
      ? diagnosis.missing !== undefined
        ? `<span class="fail-text">missing diagnosis</span>`
        : `${esc(diagnosis.label ?? "")} <span class="muted">(${esc(diagnosis.signal ?? "")})</span>`
      : "";
    return [
      `<code>${esc(result.taskId)}</code>${result.repeat ? ` <span class="muted">r${result.repeat}</span>` : ""}${reviewMarker({ taskId: result.taskId, repeat: result.repeat, pass: result.pass, answer: result.answer ?? "", iteration: iteration.n, ...(iteration.batch?.version ? { version: iteration.batch.version } : {}) })}`,
      passBadge(result),
      `<code>${esc(clip(result.answer ?? "", 120))}</code>`,
      esc(clip(result.feedback ?? result.error ?? "", 240)),
      label,
      trajectoryDetails(data.dir, result, budget),
    ];
  });
  const note = iteration.executed
    ? ""
    : `<p class="note warn">The batch's evaluation did not finish: these are the results so far.</p>`;
  return (
    note + table(["task", "outcome", "answer", "grader feedback", "diagnosis", ""], rows, 'class="tasks"')
  );
}

function diagnosisDetail(d: ReportDiagnosis): string {
  const field = (name: string, value: string | undefined) =>
    value ? `<dt>${esc(name)}</dt><dd>${esc(value)}</dd>` : "";
  const human = (d.human ?? [])
    .map(
      (note) =>
        `<dt>${badge("human", "info")} review</dt><dd>${note.verdict ? `marked ${esc(note.verdict)}` : "no verdict"}${note.comment ? `: “${esc(note.comment)}”` : ""} <span class="muted">(on the answer ${esc(JSON.stringify(note.answer ?? ""))}${note.reviewedRun ? ` of run ${esc(note.reviewedRun)}` : ""})</span></dd>`,
    )
    .join("");
  return `<dl class="kv">${human}${field("what happened", d.whatHappened)}${field("cause", d.cause)}${field("correct approach", d.correctApproach)}${field("skipped step", d.skippedStep)}</dl>`;
}

function diagnosesBlock(iteration: IterationData): string {
  if (iteration.diagnoses === null) {
    return `<p class="muted">No diagnoses.json${iteration.done ? "" : " (the iteration stopped before the diagnose stage finished)"}.</p>`;
  }
  if (iteration.diagnoses.length === 0)
    return `<p class="muted">Nothing to diagnose: no failure and no contrastive success.</p>`;
  const rows = iteration.diagnoses.map((d) => [
    `<code>${esc(d.taskId)}</code>`,
    d.signal === "success" ? badge("contrastive success", "pass") : badge(d.signal ?? "?", "fail"),
    d.missing !== undefined
      ? `<span class="fail-text">missing: ${esc(d.missing)}</span>`
      : `<b>${esc(d.label ?? "")}</b>${d.kind ? ` <span class="muted">${esc(d.kind)}</span>` : ""}${d.robustness ? ` ${badge(d.robustness, d.robustness === "robust" ? "pass" : "warn")}` : ""}${d.human?.length ? ` ${badge("human feedback", "info")}` : ""}`,
    d.missing !== undefined ? "" : details("details", diagnosisDetail(d)),
  ]);
  return table(["task", "signal", "label", ""], rows);
}

function overlayBlock(iteration: IterationData): string {
  const momentum = iteration.momentum;
  if (!momentum)
    return `<p class="muted">${iteration.done ? "No momentum stage this iteration." : NOT_REACHED}</p>`;
  const parts: string[] = [];
  if (momentum.error) parts.push(note(`The momentum stage failed: ${esc(momentum.error)}`, "warn"));
  const overlay = momentum.overlay;
  if (!overlay) {
    parts.push(`<p class="muted">No overlay (the first iteration only bootstraps the memory).</p>`);
    return parts.join("");
  }
  const rows = overlay.entries.map((e) => {
    const pattern = e.pattern ?? "";
    const patternHtml = pattern.startsWith("new:")
      ? `${badge("new", "info")} <code>${esc(pattern.slice(4))}</code>`
      : pattern === "none"
        ? `<span class="muted">no actionable signal</span>`
        : `<code>${esc(pattern)}</code>`;
    return [
      `<code>${esc(e.taskId)}</code>`,
      esc(e.signal ?? ""),
      patternHtml,
      `<code>${esc(e.anchor ?? "")}</code>`,
      e.direction ? badge(e.direction, e.direction === "preserve" ? "pass" : "info") : "",
      esc(e.gap ?? ""),
    ];
  });
  parts.push(table(["task", "signal", "pattern", "anchor", "direction", "gap"], rows));
  if (overlay.themes.length > 0) {
    parts.push(
      `<p><b>Workflow themes:</b></p><ul>${overlay.themes.map((t) => `<li>${esc(t.theme)} <span class="muted">(${t.evidence.map(esc).join(", ")})</span></li>`).join("")}</ul>`,
    );
  }
  return parts.join("\n");
}

async function patchBlock(data: RunData, iteration: IterationData): Promise<string> {
  const patch = iteration.patch;
  if (!patch) return `<p class="muted">${iteration.done ? "No patch this iteration." : NOT_REACHED}</p>`;
  const outcome = patch.outcome;
  const parts: string[] = [];
  if (!outcome) return `<p class="muted">The patch stage recorded no outcome.</p>`;
  if (outcome.notes) parts.push(`<p class="muted">Patcher's notes: ${esc(outcome.notes)}</p>`);
  if (outcome.applied.length > 0) {
    parts.push(
      table(
        ["pattern", "anchor", "edit", "why"],
        outcome.applied.map((e) => [
          `<code>${esc(e.pattern ?? "")}</code>`,
          `<code>${esc(e.anchor ?? "")}</code>`,
          esc(e.edit?.op ?? ""),
          esc(e.why ?? ""),
        ]),
      ),
    );
  } else parts.push(`<p class="muted">No edit was applied.</p>`);
  if (outcome.refused.length > 0) {
    parts.push(
      "<h4>Refused edits</h4>",
      table(
        ["pattern", "anchor", "edit", "reason"],
        outcome.refused.map((r) => [
          `<code>${esc(r.edit.pattern ?? "")}</code>`,
          `<code>${esc(r.edit.anchor ?? "")}</code>`,
          esc(r.edit.edit?.op ?? ""),
          `<span class="fail-text">${esc(r.reason)}</span>`,
        ]),
      ),
    );
  }
  if (outcome.problems.length > 0) {
    parts.push(
      `<h4>Read-back problems${outcome.rolledBack ? " (the patch was rolled back)" : ""}</h4><ul>${outcome.problems
        .map(
          (p) => `<li><code>${esc(p.file ?? "")}${p.line ? `:${p.line}` : ""}</code> ${esc(p.message)}</li>`,
        )
        .join("")}</ul>`,
    );
  }
  if (outcome.repairRounds) parts.push(`<p class="muted">${outcome.repairRounds} repair round(s).</p>`);
  parts.push(await patchDiff(data, iteration));
  return parts.join("\n");
}

async function patchDiff(data: RunData, iteration: IterationData): Promise<string> {
  const from = iteration.batch?.version ?? null;
  const before = from ? versionDir(data, from) : null;
  const kept = iteration.patch?.version ?? null;
  let after: string | null = null;
  let heading: string;
  if (kept) {
    after = versionDir(data, kept);
    heading = `Diff ${esc(from ?? "?")} → ${esc(kept)}`;
  } else if (iteration.discarded) {
    after = iteration.discarded.dir;
    const what = {
      rejected: "rejected by the gate",
      "rolled-back": "rolled back",
      "no-edits": "no edits kept",
    }[iteration.discarded.why];
    heading = `Diff of the discarded version (${what}; not kept) ${badge("not kept", "fail")}`;
  } else return "";
  const result = await diffFolders(before, after);
  return `<h4>${heading}</h4>${result.ok ? skillDiffHtml(result.diff) : `<p class="muted">${esc(result.reason)}</p>`}`;
}

function gateBlock(data: RunData, iteration: IterationData): string {
  const gate = iteration.gate;
  if (!gate) return "";
  const kind =
    gate.gate ?? String(data.config?.settings && (data.config.settings as { gate?: unknown }).gate);
  const verdict = gate.accepted ? badge("accepted", "pass") : badge("rejected", "fail");
  return `<p><b>Gate</b> (<code>${esc(kind)}</code>): ${verdict} candidate ${esc(gate.version ?? "")} validation ${percent(gate.score ?? null)} vs current ${percent(gate.currentScore ?? null)}.</p>`;
}

async function iterationPanel(
  data: RunData,
  iteration: IterationData,
  budget: InlineBudget,
): Promise<string> {
  const rate = batchPassRate(iteration);
  const decision = decisionOf(iteration);
  const head = `Iteration ${iteration.n} <span class="muted">on ${esc(iteration.batch?.version ?? "?")}</span> · batch ${rate === null ? "—" : percent(rate, 0)} · ${badge(decision.text, decision.tone)}`;
  const body = [
    "<h4>Tasks</h4>",
    tasksTable(data, iteration, budget),
    "<h4>Diagnoses</h4>",
    diagnosesBlock(iteration),
    "<h4>Overlay (momentum)</h4>",
    overlayBlock(iteration),
    "<h4>Patch</h4>",
    await patchBlock(data, iteration),
    gateBlock(data, iteration),
  ].join("\n");
  return `<article class="iteration" id="iter-${iteration.n}"><h3>${head}</h3>${body}</article>`;
}

export async function iterationsSection(data: RunData, budget: InlineBudget): Promise<string> {
  if (data.iterations.length === 0) {
    return section("iterations", "Iterations", `<p class="muted">No iteration was started.</p>`);
  }
  const panels: string[] = [];
  for (const iteration of data.iterations) panels.push(await iterationPanel(data, iteration, budget));
  return section("iterations", "Iterations", panels.join("\n"));
}
