import { VERSION } from "../../version.js";
import { esc } from "./html.js";
import { SCRIPT, STYLE } from "./style.js";

const SIM_NOTE =
  "SIMULATION — the sim model is an offline simulation, not a language model: it shows the machinery, not real model behaviour.";

export interface PageSection {
  id: string;
  title: string;
  html: string;
}

/**
 * A self-contained report page in the look of the run report (same style and script), for run kinds
 * with their own sections: blind comparisons and trigger evaluations.
 */
export function simplePage(options: {
  title: string;
  subtitle: string;
  dir: string;
  simulated: boolean;
  cardsHtml: string;
  sections: PageSection[];
  /** More CSS for the page's own sections. */
  extraStyle?: string;
}): string {
  const nav = options.sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`skillgrad · ${options.title}`)}</title>
<style>${STYLE}${options.extraStyle ?? ""}</style>
</head>
<body>
<header class="top">
<h1>${esc(options.title)} <span class="muted">· ${esc(options.subtitle)}${options.simulated ? " (simulation)" : ""}</span></h1>
<div class="muted"><code>${esc(options.dir)}</code></div>
<div class="cards">${options.cardsHtml}</div>
</header>
${options.simulated ? `<div class="banner sim" role="note">${esc(SIM_NOTE)}</div>` : ""}
<nav>${nav}</nav>
<main>
${options.sections.map((s) => s.html).join("\n")}
<footer>Made by skillgrad ${esc(VERSION)} from the run folder's files. Regenerate with <code>skillgrad report ${esc(options.dir)}</code>.</footer>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

export function card(key: string, valueHtml: string): string {
  return `<div class="card"><div class="k">${esc(key)}</div><div class="v">${valueHtml}</div></div>`;
}
