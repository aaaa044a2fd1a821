import { join } from "node:path";
import { writeFileAtomic } from "../../util/fs.js";
import { VERSION } from "../../version.js";
import { readJsonFile, resolveRunDir } from "../list.js";
import { dollars, duration, esc, percent } from "./html.js";
import { isSimulation, loadRun, type RunData } from "./load.js";
import { REVIEW_SCRIPT, REVIEW_STYLE, reviewBar } from "./review.js";
import { changeSection } from "./sections/change.js";
import { configSection, simulationBanner } from "./sections/config.js";
import { costSection } from "./sections/cost.js";
import { curveSection } from "./sections/curve.js";
import { iterationsSection } from "./sections/iterations.js";
import { momentumSection } from "./sections/momentum.js";
import { evalScoreSection, tasksSection } from "./sections/tasks.js";
import { hasTriggers, triggersSection } from "./sections/triggers.js";
import { SCRIPT, STYLE } from "./style.js";
import { InlineBudget } from "./trajectory-html.js";

export { loadRun, type RunData } from "./load.js";

/** Run kinds with a report page of their own (blind comparisons, trigger runs), by config.json's kind. */
async function ownKindReport(runDir: string): Promise<string | undefined> {
  const dir = resolveRunDir(runDir);
  const config = readJsonFile(join(dir, "config.json"));
  if (!config || config instanceof Error || typeof config !== "object") return undefined;
  const kind = (config as { kind?: unknown }).kind;
  let html: string;
  const command = (config as { command?: unknown }).command;
  if (kind === "compare") {
    const { renderCompareReport } = await import("../../compare/report.js");
    html = renderCompareReport(dir, config as Record<string, unknown>);
  } else if (kind === "triggers") {
    const { renderTriggerEvalReport, renderTriggerOptimizeReport } = await import("../../triggers/report.js");
    html =
      command === "triggers optimize"
        ? renderTriggerOptimizeReport(dir, config as Record<string, unknown>)
        : renderTriggerEvalReport(dir, config as Record<string, unknown>);
  } else return undefined;
  const path = join(dir, "report.html");
  await writeFileAtomic(path, html);
  return path;
}

function card(key: string, valueHtml: string): string {
  return `<div class="card"><div class="k">${esc(key)}</div><div class="v">${valueHtml}</div></div>`;
}

function headline(data: RunData): string {
  const cards: string[] = [];
  const status =
    data.optimizeSummary?.status ?? data.state?.status ?? (data.evalSummary ? "done" : "incomplete");
  cards.push(card("status", esc(status)));
  if (data.kind === "eval") {
    if (data.evalSummary?.passRate !== undefined)
      cards.push(card("pass rate", percent(data.evalSummary.passRate)));
  } else {
    const s = data.optimizeSummary;
    const seed = s?.seed?.test?.passRate;
    const best = s?.best?.test?.passRate;
    if (seed !== undefined && best !== undefined) {
      cards.push(card("test: seed → best", `${percent(seed)} → ${percent(best)}`));
    } else if (s?.best?.validation != null) {
      cards.push(
        card(
          "validation: seed → best",
          `${percent(s.seed?.validation ?? null)} → ${percent(s.best.validation)}`,
        ),
      );
    }
    cards.push(card("iterations", String(s?.iterations ?? data.iterations.filter((i) => i.done).length)));
  }
  const summary = data.optimizeSummary ?? data.evalSummary;
  const costUsd = summary?.costUsd;
  const calls = summary?.calls ?? data.ledger.length;
  cards.push(
    card(
      "cost",
      `${costUsd === undefined ? "—" : dollars(costUsd)} <span class="muted">${calls} calls</span>`,
    ),
  );
  if (summary?.wallMs !== undefined) cards.push(card("wall time", duration(summary.wallMs)));
  const started = data.events[0]?.ts;
  if (started) cards.push(card("started", esc(started.replace("T", " ").replace(/\.\d+Z$/, " UTC"))));
  return `<div class="cards">${cards.join("")}</div>`;
}

/** The skill a review is about: an eval's skill, or an optimize run's seed. */
function reviewedSkill(data: RunData): { name: string; hash?: string } | null {
  const skill = data.evalSummary?.skill;
  if (skill?.name) return { name: skill.name, ...(skill.hash ? { hash: skill.hash } : {}) };
  return data.skillName ? { name: data.skillName } : null;
}

function missingBlock(data: RunData): string {
  if (data.missing.length === 0) return "";
  return `<div class="note warn"><b>This run folder is incomplete or from another version; the report shows what it has.</b><ul>${data.missing
    .map((m) => `<li>${esc(m)}</li>`)
    .join("")}</ul></div>`;
}

/** The whole report page for a loaded run, as one self-contained HTML string. */
export async function renderReport(data: RunData): Promise<string> {
  const budget = new InlineBudget();
  const sections: Array<{ id: string; title: string; html: string }> = [];
  if (data.kind === "eval") {
    sections.push({ id: "score", title: "Score", html: evalScoreSection(data) });
    sections.push({ id: "tasks", title: "Tasks", html: tasksSection(data, budget) });
  } else {
    sections.push({ id: "curve", title: "Learning curve", html: curveSection(data) });
    if (hasTriggers(data))
      sections.push({ id: "triggers", title: "Triggering", html: triggersSection(data) });
    sections.push({ id: "iterations", title: "Iterations", html: await iterationsSection(data, budget) });
    sections.push({ id: "momentum", title: "Momentum", html: momentumSection(data) });
    sections.push({ id: "change", title: "Seed → best", html: await changeSection(data) });
  }
  sections.push({ id: "cost", title: "Cost and time", html: costSection(data) });
  sections.push({ id: "config", title: "Configuration", html: configSection(data) });
  const what = data.kind === "unknown" ? "run" : `${data.kind} run`;
  const title = `${data.skillName ?? "skill"} — ${what} ${data.id}`;
  const nav = sections.map((s) => `<a href="#${s.id}">${esc(s.title)}</a>`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`skillgrad · ${title}`)}</title>
<style>${STYLE}${REVIEW_STYLE}</style>
</head>
<body>
<header class="top">
<h1>${esc(data.skillName ?? "skill")} <span class="muted">· ${esc(what)}${isSimulation(data.models) ? " (simulation)" : ""}</span></h1>
<div class="muted"><code>${esc(data.dir)}</code></div>
${headline(data)}
${data.kind === "unknown" ? "" : reviewBar({ id: data.id, dir: data.dir, kind: data.kind, skill: reviewedSkill(data) })}
</header>
${simulationBanner(data)}
<nav>${nav}</nav>
<main>
${missingBlock(data)}
${sections.map((s) => s.html).join("\n")}
<footer>Made by skillgrad ${esc(VERSION)} from the run folder's files. Regenerate with <code>skillgrad report ${esc(data.dir)}</code>.</footer>
</main>
<script>${SCRIPT}${REVIEW_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * Writes (or refreshes) report.html in a run folder and returns its path. Safe to call while the
 * run is going: it reads what is there and says what is missing. Throws a one-line SkillgradError
 * when the folder is not a run.
 */
export async function writeReport(runDir: string): Promise<string> {
  const own = await ownKindReport(runDir);
  if (own) return own;
  const data = loadRun(runDir);
  const html = await renderReport(data);
  const path = join(data.dir, "report.html");
  await writeFileAtomic(path, html);
  return path;
}
