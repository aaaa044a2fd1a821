import { join } from "node:path";
import { diffWords } from "diff";
import { readJsonOrNull } from "../runs/list.js";
import { badge, clip, dollars, duration, esc, note, section, table } from "../runs/report/html.js";
import { card, type PageSection, simplePage } from "../runs/report/simple-page.js";
import { curveChart } from "../runs/report/svg.js";
import type { TriggerOptimizeSummary } from "./optimize/finish.js";
import type { EvaluationFile, TriggerState, TriggerVersion } from "./optimize/loop.js";
import type { TriggerDiagnosis } from "./optimize/records.js";
import type { QueryOutcome, TriggerEvalSummary, TriggerMetrics } from "./types.js";

/** The report pages of trigger runs: `triggers eval` (one evaluation) and `triggers optimize`. */

const STYLE = `
td.rate { text-align: center; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.rate.ok { background: var(--pass-bg); color: var(--pass); }
td.rate.bad { background: var(--fail-bg); color: var(--fail); }
td.rate.mixed { background: var(--warn-bg); color: var(--warn); }
table.matrix td, table.matrix th { padding: 3px 6px; font-size: 13px; }
table.matrix th.v { text-align: center; }
.desc { white-space: pre-wrap; }
.desc ins { background: var(--pass-bg); text-decoration: none; }
.desc del { background: var(--fail-bg); }
`;

const num = (x: number | null | undefined) => (typeof x === "number" ? x.toFixed(3) : "—");
const pct = (x: number | null | undefined) => (typeof x === "number" ? `${(x * 100).toFixed(1)}%` : "—");
const span = (r: [number, number] | null | undefined, f: (x: number) => string) =>
  r ? `<span class="muted">${esc(f(r[0]))}–${esc(f(r[1]))}</span>` : "";

function metricsTable(rows: Array<[string, TriggerMetrics | null | undefined]>): string {
  return table(
    ["", "F1 (95% CI)", "precision (95% CI)", "recall (95% CI)", "TP / FP / FN / TN", "balanced accuracy"],
    rows.map(([name, m]) =>
      m
        ? [
            esc(name),
            `<b>${num(m.f1)}</b> ${span(m.ci95.f1, (x) => x.toFixed(3))}`,
            `${pct(m.precision)} ${span(m.ci95.precision, pct)}`,
            `${pct(m.recall)} ${span(m.ci95.recall, pct)}`,
            `${m.tp} / ${m.fp} / ${m.fn} / ${m.tn}`,
            pct(m.balancedAccuracy),
          ]
        : [esc(name), "—", "—", "—", "—", "—"],
    ),
  );
}

function rateCell(q: QueryOutcome | undefined): string {
  if (!q || q.runs === 0) return `<td class="rate">—</td>`;
  const right = q.shouldTrigger ? q.triggers : q.runs - q.triggers;
  const tone = right === q.runs ? "ok" : right === 0 ? "bad" : "mixed";
  const others = Object.entries(q.others)
    .map(([name, n]) => `${name} ×${n}`)
    .join(", ");
  return `<td class="rate ${tone}" title="${esc(`${q.triggers} of ${q.runs} runs activated the skill${others ? `; others: ${others}` : ""}`)}">${q.triggers}/${q.runs}</td>`;
}

function queriesTable(outcomes: QueryOutcome[]): string {
  const wrong = outcomes.filter((q) => q.wrong).length;
  const filter = `<div class="filter" role="group" aria-label="filter queries">
<button type="button" data-filter="all" class="on">all (${outcomes.length})</button>
<button type="button" data-filter="fail">wrong way (${wrong})</button>
<button type="button" data-filter="pass">right way (${outcomes.length - wrong})</button>
</div>`;
  const rows = outcomes.map((q) => {
    const others = Object.entries(q.others)
      .map(([name, n]) => `<code>${esc(name)}</code> ×${n}`)
      .join(", ");
    const cells = [
      `<code>${esc(q.id)}</code>`,
      esc(q.query),
      q.shouldTrigger ? badge("should trigger", "info") : badge("should not", "muted"),
      rateCell(q).replace(/^<td[^>]*>|<\/td>$/g, ""),
      others || `<span class="muted">—</span>`,
      q.wrong ? badge(q.shouldTrigger ? "missed" : "false trigger", "fail") : badge("ok", "pass"),
      q.note ? `<span class="muted">${esc(q.note)}</span>` : "",
    ];
    return `<tr data-pass="${q.wrong ? "fail" : "pass"}">${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`;
  });
  const head = ["query", "", "label", "triggered", "activated instead", "", "note"]
    .map((h) => `<th>${h}</th>`)
    .join("");
  return `${filter}<table class="tasks filterable"><thead><tr>${head}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table>`;
}

function simulated(config: Record<string, unknown>): boolean {
  const models = (config.models ?? {}) as Record<string, string>;
  return Object.values(models).some((m) => m === "sim" || m.startsWith("sim:"));
}

export function renderTriggerEvalReport(dir: string, config: Record<string, unknown>): string {
  const summary = readJsonOrNull<TriggerEvalSummary>(join(dir, "summary.json"));
  const m = summary?.metrics;
  const cards = summary
    ? [
        card("F1", num(m?.f1)),
        card("precision", pct(m?.precision)),
        card("recall", pct(m?.recall)),
        card(
          "probes",
          `${m?.probes} <span class="muted">${summary.queries.length} × ${summary.repeat}</span>`,
        ),
        card("cost", `${dollars(summary.costUsd)} <span class="muted">${summary.calls} calls</span>`),
        card("wall time", duration(summary.wallMs)),
      ].join("")
    : card("status", "incomplete");
  const sections: PageSection[] = [];
  if (summary) {
    sections.push({
      id: "score",
      title: "Triggering",
      html: section(
        "score",
        "Triggering",
        `<p><code>${esc(summary.skill.name)}</code> among ${summary.library.length} competing skills (${summary.library.map((n) => `<code>${esc(n)}</code>`).join(", ") || "none"}); executor ${esc(summary.executor)}, model <code>${esc(summary.model)}</code>. A run stops at the first activation of an installed skill, or after ${summary.patience} other tool call${summary.patience === 1 ? "" : "s"}.</p>
<p class="desc"><b>description:</b> ${esc(summary.skill.description)}</p>${metricsTable([["all queries", m]])}`,
      ),
    });
    sections.push({
      id: "queries",
      title: "Queries",
      html: section("queries", "Queries", queriesTable(summary.queries)),
    });
  } else
    sections.push({
      id: "score",
      title: "Triggering",
      html: section("score", "Triggering", note("No summary.json: the evaluation did not finish.", "warn")),
    });
  return simplePage({
    title: `${summary?.skill.name ?? "skill"} — trigger evaluation`,
    subtitle: `triggers run ${dir.split(/[\\/]/).filter(Boolean).at(-1) ?? dir}`,
    dir,
    simulated: simulated(config),
    cardsHtml: cards,
    sections,
    extraStyle: STYLE,
  });
}

function descriptionDiff(before: string, after: string): string {
  return diffWords(before, after)
    .map((part) =>
      part.added
        ? `<ins>${esc(part.value)}</ins>`
        : part.removed
          ? `<del>${esc(part.value)}</del>`
          : esc(part.value),
    )
    .join("");
}

export function renderTriggerOptimizeReport(dir: string, config: Record<string, unknown>): string {
  const summary = readJsonOrNull<TriggerOptimizeSummary>(join(dir, "summary.json"));
  const state = readJsonOrNull<TriggerState>(join(dir, "state.json"));
  const versions = state?.versions ?? [];
  const seed = versions[0];
  const best = versions.find((v) => v.id === state?.best);
  const cards = [
    card("status", esc(state?.status ?? "incomplete")),
    card("held-out F1: seed → best", `${num(seed?.heldout.f1)} → ${num(best?.heldout.f1)}`),
    card("iterations", String(state?.iteration ?? 0)),
    ...(summary
      ? [
          card("cost", `${dollars(summary.costUsd)} <span class="muted">${summary.calls} calls</span>`),
          card("wall time", duration(summary.wallMs)),
        ]
      : []),
  ].join("");
  const sections: PageSection[] = [];

  // learning curve: F1 per iteration on both sets; rejected candidates hollow
  const point = (v: TriggerVersion, set: "heldout" | "train") => ({
    x: v.iteration,
    y: v[set].f1 ?? 0,
    title: `${v.id}${v.accepted ? "" : " (rejected)"}: ${set === "heldout" ? "held-out" : "train"} F1 ${num(v[set].f1)}`,
    hollow: !v.accepted,
  });
  const accepted = versions.filter((v) => v.accepted);
  const curve =
    versions.length > 0
      ? curveChart(
          [
            {
              name: "held-out F1 (chooses the best)",
              tone: "s1",
              points: accepted.map((v) => point(v, "heldout")),
              line: true,
            },
            { name: "train F1", tone: "s2", points: accepted.map((v) => point(v, "train")), line: true },
            {
              name: "rejected candidate (held-out F1)",
              tone: "s3",
              points: versions.filter((v) => !v.accepted).map((v) => point(v, "heldout")),
            },
          ],
          { xMin: 0, xMax: Math.max(1, ...versions.map((v) => v.iteration)), xLabel: "iteration" },
        )
      : `<p class="muted">No version evaluated yet.</p>`;
  const stop = state?.stopReason
    ? note(
        `The run ${state.status === "stopped" ? "stopped" : "ended"}: ${esc(state.stopReason)}.`,
        state.status === "stopped" ? "warn" : "info",
      )
    : "";
  const scores = summary
    ? metricsTable([
        [`seed ${summary.seed.version}, held-out`, summary.seed.heldout],
        [`best ${summary.best.version}, held-out`, summary.best.heldout],
        ...(summary.seed.test
          ? ([[`seed ${summary.seed.version}, test`, summary.seed.test]] as Array<[string, TriggerMetrics]>)
          : []),
        ...(summary.best.test
          ? ([[`best ${summary.best.version}, test`, summary.best.test]] as Array<[string, TriggerMetrics]>)
          : []),
      ]) +
      `<p class="muted">Held-out F1 chose the best version, so its held-out score is a little flattering${summary.seed.test ? "; the test queries were never used for choosing" : ""}.</p>`
    : "";
  sections.push({
    id: "curve",
    title: "Learning curve",
    html: section("curve", "Learning curve", stop + curve + scores),
  });

  // trigger matrix: every query × every version
  const evaluations = new Map<string, Map<string, QueryOutcome>>();
  for (const v of versions) {
    const outcomes = new Map<string, QueryOutcome>();
    for (const set of ["train", "heldout"]) {
      const evaluation = readJsonOrNull<EvaluationFile>(join(dir, "versions", v.id, set, "evaluation.json"));
      for (const q of evaluation?.summary.queries ?? []) outcomes.set(q.id, q);
    }
    evaluations.set(v.id, outcomes);
  }
  const split = (config.split ?? { train: [], heldout: [] }) as { train: string[]; heldout: string[] };
  const all = evaluations.get("v000") ?? new Map<string, QueryOutcome>();
  const rowsFor = (ids: string[], set: string) =>
    ids.map((id) => {
      const q = all.get(id);
      return `<tr><td><code>${esc(id)}</code> <span class="muted">${esc(set)}</span></td><td>${esc(clip(q?.query ?? "", 90))}</td><td>${q ? (q.shouldTrigger ? badge("should", "info") : badge("should not", "muted")) : ""}</td>${versions.map((v) => rateCell(evaluations.get(v.id)?.get(id))).join("")}</tr>`;
    });
  const head = `<tr><th>query</th><th></th><th></th>${versions.map((v) => `<th class="v">${esc(v.id)}${v.accepted ? "" : '<br><span class="muted">rejected</span>'}${v.id === state?.best ? `<br>${badge("best", "pass")}` : ""}</th>`).join("")}</tr>`;
  const matrix = `<p class="muted">Cells: runs that activated the skill, of the runs made; green when every run went the right way, red when none did.</p><table class="matrix"><thead>${head}</thead><tbody>${[...rowsFor(split.heldout, "held-out"), ...rowsFor(split.train, "train")].join("\n")}</tbody></table>`;
  sections.push({ id: "matrix", title: "Trigger matrix", html: section("matrix", "Trigger matrix", matrix) });

  // each version: description (diff from its parent), diagnosis, the editor's reason, the gate
  const articles = versions.map((v) => {
    const parent = versions.find((p) => p.id === v.parent);
    const iterDir = join(dir, "iterations", String(v.iteration).padStart(3, "0"));
    const diagnosis = readJsonOrNull<{ diagnosis: TriggerDiagnosis | null; error: string | null }>(
      join(iterDir, "diagnosis.json"),
    );
    const patch = readJsonOrNull<{ reply: { why: string } | null; reason: string | null }>(
      join(iterDir, "patch.json"),
    );
    const parts = [
      `<h3>${esc(v.id)} ${v.iteration === 0 ? badge("seed", "muted") : v.accepted ? badge("accepted", "pass") : badge("rejected", "fail")}${v.id === state?.best ? ` ${badge("best", "pass")}` : ""} <span class="muted">held-out F1 ${num(v.heldout.f1)}, train F1 ${num(v.train.f1)}</span></h3>`,
      `<p class="desc">${parent ? descriptionDiff(parent.description, v.description) : esc(v.description)}</p>`,
    ];
    if (diagnosis?.diagnosis) {
      const d = diagnosis.diagnosis;
      const groups = [
        ...d.missed.map((g) => [
          badge("missed", "fail"),
          esc(g.label),
          esc(g.queries.join(", ")),
          esc(g.claim),
          esc(g.words.join(", ")),
        ]),
        ...d.falseTriggers.map((g) => [
          badge("false trigger", "warn"),
          esc(g.label),
          esc(g.queries.join(", ")),
          `${esc(g.cede)} <span class="muted">(belongs to ${esc(g.competitor)})</span>`,
          esc(g.words.join(", ")),
        ]),
      ];
      parts.push(`<p class="muted">Diagnosis of ${esc(parent?.id ?? "")}: ${esc(d.summary)}</p>`);
      if (groups.length > 0)
        parts.push(table(["", "kind of request", "queries", "claim / cede", "words"], groups));
    }
    if (patch?.reply?.why) parts.push(`<p class="muted">Editor: ${esc(patch.reply.why)}</p>`);
    return `<article class="iteration">${parts.join("\n")}</article>`;
  });
  sections.push({
    id: "versions",
    title: "Descriptions",
    html: section("versions", "Descriptions", articles.join("\n")),
  });

  return simplePage({
    title: `${seed ? ((config.skillDir as string | undefined)?.split(/[\\/]/).filter(Boolean).at(-1) ?? "skill") : "skill"} — description optimization`,
    subtitle: `triggers run ${dir.split(/[\\/]/).filter(Boolean).at(-1) ?? dir}`,
    dir,
    simulated: simulated(config),
    cardsHtml: cards,
    sections,
    extraStyle: STYLE,
  });
}
