import { FEEDBACK_FORMAT } from "../feedback.js";
import { esc } from "./html.js";

/**
 * The report's review mode: a person marks each task run's outcome (correct / wrong) and writes a
 * comment, and exports them as feedback.json — all in the page, with no server. Task rows carry a
 * hidden marker with what the export needs; the script builds the controls when review mode is
 * turned on, keeps the notes in the browser's localStorage (per run folder) and downloads the file.
 */

export interface ReviewedRun {
  taskId: string;
  repeat: number;
  pass: boolean;
  answer: string;
  iteration?: number;
  version?: string;
}

const ANSWER_MAX = 2_000;

/** The hidden marker placed in a task row's first cell. */
export function reviewMarker(run: ReviewedRun): string {
  const data = {
    taskId: run.taskId,
    repeat: run.repeat,
    graderPass: run.pass,
    answer: run.answer.length > ANSWER_MAX ? `${run.answer.slice(0, ANSWER_MAX)} […]` : run.answer,
    ...(run.iteration !== undefined ? { iteration: run.iteration } : {}),
    ...(run.version !== undefined ? { version: run.version } : {}),
  };
  return `<span class="review-data" hidden data-review="${esc(JSON.stringify(data))}"></span>`;
}

/** The bar with the review switch and the export button (shown only when scripts run). */
export function reviewBar(run: {
  id: string;
  dir: string;
  kind: string;
  skill: { name: string; hash?: string } | null;
}): string {
  return `<div class="review-bar" data-run="${esc(JSON.stringify(run))}" data-format="${esc(FEEDBACK_FORMAT)}">
<button type="button" class="review-toggle" aria-pressed="false">Review</button>
<span class="review-tools"><label>reviewer <input type="text" class="reviewer" size="16" aria-label="reviewer name"></label>
<span class="review-count muted">0 tasks reviewed</span>
<button type="button" class="review-export">Export feedback.json</button></span>
<span class="muted review-help">Mark each task run's outcome and write what you see; the notes stay in this browser until you export them. <code>skillgrad optimize --feedback feedback.json</code> gives them to the diagnoser as human evidence.</span>
</div>`;
}

export const REVIEW_STYLE = `
.review-bar { display: none; gap: 10px; align-items: center; flex-wrap: wrap; margin: 10px 0 0; font-size: 14px; }
.js .review-bar { display: flex; }
.review-bar button { border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 3px 12px; cursor: pointer; font: inherit; }
.review-bar .review-toggle[aria-pressed="true"] { background: var(--fg); color: #fff; border-color: var(--fg); }
.review-tools, .review-help { display: none; }
.reviewing .review-tools { display: inline-flex; gap: 10px; align-items: center; }
.reviewing .review-help { display: inline; }
td.review-cell, th.review-cell { display: none; min-width: 220px; }
.reviewing td.review-cell, .reviewing th.review-cell { display: table-cell; }
td.review-cell select { font: inherit; font-size: 13px; margin-bottom: 4px; }
td.review-cell textarea { width: 100%; min-height: 48px; font: 13px/1.4 system-ui, sans-serif; }
tr.reviewed td.review-cell { background: var(--info-bg); }
`;

/** Plain ES5 for any browser; every string it shows is set with textContent, never as HTML. */
export const REVIEW_SCRIPT = `
(function () {
  var bar = document.querySelector(".review-bar");
  if (!bar) return;
  var run = JSON.parse(bar.getAttribute("data-run"));
  var storeKey = "skillgrad-review:" + run.dir;
  var notes = {};
  var reviewer = "";
  try {
    var saved = JSON.parse(window.localStorage.getItem(storeKey) || "{}");
    notes = saved.notes || {};
    reviewer = saved.reviewer || "";
  } catch (e) { notes = {}; }
  var toggle = bar.querySelector(".review-toggle");
  var count = bar.querySelector(".review-count");
  var nameInput = bar.querySelector(".reviewer");
  nameInput.value = reviewer;
  var built = false;
  function keyOf(item) { return item.taskId + "#" + item.repeat + "#" + (item.iteration || ""); }
  function save() {
    try { window.localStorage.setItem(storeKey, JSON.stringify({ notes: notes, reviewer: reviewer })); } catch (e) { /* private mode: notes live until the page closes */ }
    var n = 0;
    for (var k in notes) if (notes[k].verdict || notes[k].comment) n++;
    count.textContent = n + (n === 1 ? " task reviewed" : " tasks reviewed");
  }
  function build() {
    built = true;
    document.querySelectorAll(".review-data").forEach(function (marker) {
      var row = marker.closest("tr");
      if (!row) return;
      var item = JSON.parse(marker.getAttribute("data-review"));
      var key = keyOf(item);
      var note = notes[key] || { verdict: null, comment: "" };
      var table = row.closest("table");
      var head = table && table.querySelector("thead tr");
      if (head && !head.querySelector(".review-cell")) {
        var th = document.createElement("th");
        th.className = "review-cell";
        th.textContent = "your review";
        head.appendChild(th);
      }
      var cell = document.createElement("td");
      cell.className = "review-cell";
      var select = document.createElement("select");
      select.setAttribute("aria-label", "your verdict on " + item.taskId + " run " + item.repeat + (item.iteration ? " in iteration " + item.iteration : ""));
      [["", "outcome: not marked"], ["correct", "outcome is correct"], ["wrong", "outcome is wrong"]].forEach(function (o) {
        var option = document.createElement("option");
        option.value = o[0];
        option.textContent = o[1];
        select.appendChild(option);
      });
      select.value = note.verdict || "";
      var text = document.createElement("textarea");
      text.setAttribute("aria-label", "comment on " + item.taskId + " run " + item.repeat + (item.iteration ? " in iteration " + item.iteration : ""));
      text.placeholder = "what is right or wrong here";
      text.value = note.comment || "";
      function update() {
        notes[key] = { item: item, verdict: select.value || null, comment: text.value };
        row.classList.toggle("reviewed", Boolean(select.value || text.value.trim()));
        save();
      }
      select.addEventListener("change", update);
      text.addEventListener("input", update);
      if (notes[key]) notes[key].item = item;
      row.classList.toggle("reviewed", Boolean(note.verdict || (note.comment || "").trim()));
      cell.appendChild(select);
      cell.appendChild(text);
      row.appendChild(cell);
    });
    save();
  }
  toggle.addEventListener("click", function () {
    var on = !document.body.classList.contains("reviewing");
    if (on && !built) build();
    document.body.classList.toggle("reviewing", on);
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
  });
  nameInput.addEventListener("input", function () { reviewer = nameInput.value; save(); });
  bar.querySelector(".review-export").addEventListener("click", function () {
    var items = [];
    for (var k in notes) {
      var n = notes[k];
      if (!n.item || !(n.verdict || (n.comment || "").trim())) continue;
      var out = { taskId: n.item.taskId, repeat: n.item.repeat, graderPass: n.item.graderPass, answer: n.item.answer, verdict: n.verdict || null, comment: n.comment || "" };
      if (n.item.iteration !== undefined) out.iteration = n.item.iteration;
      if (n.item.version !== undefined) out.version = n.item.version;
      items.push(out);
    }
    items.sort(function (a, b) { return a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : (a.iteration || 0) - (b.iteration || 0) || a.repeat - b.repeat; });
    var file = { format: bar.getAttribute("data-format"), run: run, exportedAt: new Date().toISOString(), items: items };
    if (reviewer.trim()) file.reviewer = reviewer.trim();
    var blob = new Blob([JSON.stringify(file, null, 2) + "\\n"], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "feedback.json";
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  });
})();
`;
