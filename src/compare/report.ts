import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { badge, clip, dollars, duration, esc, percent, section, table } from "../runs/report/html.js";
import { card, simplePage } from "../runs/report/simple-page.js";
import type { CompareSummary, Judgment, UnusableJudgment } from "./types.js";

function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as T];
      } catch {
        return [];
      }
    });
}

/** The report page of a compare run: win rates, the two sides, and every judgment with its reason. */
export function renderCompareReport(dir: string, config: Record<string, unknown>): string {
  const summaryPath = join(dir, "summary.json");
  const summary = existsSync(summaryPath)
    ? (JSON.parse(readFileSync(summaryPath, "utf8")) as CompareSummary)
    : null;
  const judgments = readJsonLines<Judgment | UnusableJudgment>(join(dir, "judgments.jsonl")).sort(
    (a, b) => a.taskId.localeCompare(b.taskId) || a.repeat - b.repeat,
  );
  const models = (config.models ?? {}) as Record<string, string>;
  const simulated = Object.values(models).some((m) => m === "sim" || m.startsWith("sim:"));
  const cards = summary
    ? [
        card("B over A", `${percent(summary.winRateB)}`),
        card("95% interval", `${percent(summary.ci95B[0])} – ${percent(summary.ci95B[1])}`),
        card("pairs judged", `${summary.judged} <span class="muted">of ${summary.pairs}</span>`),
        card("cost", `${dollars(summary.costUsd)} <span class="muted">${summary.calls} calls</span>`),
        card("wall time", duration(summary.wallMs)),
      ].join("")
    : card("status", "incomplete");
  const sides = summary
    ? table(
        ["", "what", "skill", "wins", "pass rate (graders)"],
        (["a", "b"] as const).map((side) => {
          const s = summary[side];
          return [
            `<b>${side.toUpperCase()}</b>`,
            esc(s.label),
            s.skill
              ? `<code>${esc(s.skill.name)}</code> <span class="muted">${esc(s.skill.hash.slice(0, 12))}</span>`
              : "—",
            String(side === "a" ? summary.winsA : summary.winsB),
            percent(s.passRate),
          ];
        }),
      ) +
      `<p>Ties: ${summary.ties}${summary.unusable ? `; unusable judge replies: ${summary.unusable}` : ""}. A tie counts half a win for each side. The order of every pair was drawn with seed <code>${summary.seed}</code>; the judge picked the output shown first in ${percent(summary.firstPicked)} of the pairs it decided.</p>`
    : `<p class="muted">No summary.json: the comparison did not finish.</p>`;
  const rows = judgments.map((j) => {
    if ("unusable" in j)
      return [
        `<code>${esc(j.taskId)}</code>`,
        esc(j.first.toUpperCase()),
        badge("unusable", "warn"),
        "",
        esc(j.unusable),
      ];
    const winner =
      j.winner === "tie"
        ? badge("tie", "muted")
        : badge(`${j.winner.toUpperCase()} won`, j.winner === "b" ? "info" : "pass");
    return [
      `<code>${esc(j.taskId)}</code>${j.repeat ? ` <span class="muted">r${j.repeat}</span>` : ""}`,
      `${esc(j.first.toUpperCase())} first`,
      winner,
      `A ${j.pass.a ? "pass" : "fail"}, B ${j.pass.b ? "pass" : "fail"}`,
      esc(clip(j.reason, 600)),
    ];
  });
  const judgmentsHtml =
    rows.length > 0
      ? table(["task", "shown", "verdict", "graders", "judge's reason"], rows)
      : `<p class="muted">No judgments recorded.</p>`;
  return simplePage({
    title: "Blind comparison",
    subtitle: `compare run ${dir.split(/[\\/]/).filter(Boolean).at(-1) ?? dir}`,
    dir,
    simulated,
    cardsHtml: cards,
    sections: [
      { id: "sides", title: "A and B", html: section("sides", "A and B", sides) },
      { id: "judgments", title: "Judgments", html: section("judgments", "Judgments", judgmentsHtml) },
    ],
  });
}
