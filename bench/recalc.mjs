// LibreOffice recalculation throughput on the 28 formula outputs of ../shared (golden/recalc/):
//   perFile  one LibreOffice start per file, one file after another (as the eval grader did before
//            its recalculation queue); timed on the first `perFileCount` files to keep the run short
//   batch    all 28 in one LibreOffice start (recalculateMany)
//   cli      what `skillgrad grade spreadsheetbench` does: batches of 8, two LibreOffice processes
//   queue    what eval's grader does now: 28 concurrent requests to a RecalcQueue (batches of up to 8,
//            two processes; a request waits while LibreOffice is busy, then goes with the others)
// The verdicts after the batch recalculation are checked against the official ones.
// Usage (after a build): node bench/recalc.mjs [perFileCount] → one JSON object on stdout
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  compareWorkbooks,
  gradeTasks,
  hasLibreOffice,
  loadSpreadsheetBench,
  RecalcQueue,
  recalculateMany,
} from "../dist/benchmarks/spreadsheetbench/index.js";

const DATA = fileURLToPath(new URL("../../shared/data/spreadsheetbench/", import.meta.url));
const perFileCount = Number(process.argv[2] ?? 6);
if (!hasLibreOffice()) {
  console.log(JSON.stringify({ benchmark: "recalc", skipped: "LibreOffice (soffice) is not installed" }));
  process.exit(0);
}
const cases = readFileSync(join(DATA, "golden", "recalc-verdicts.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line));
const files = cases.map((c) => join(DATA, "golden", c.file));
const tasks = new Map((await loadSpreadsheetBench(DATA)).map((task) => [task.id, task]));
const rate = (count, ms) => ({
  files: count,
  ms: Math.round(ms),
  filesPerSecond: Number(((count * 1000) / ms).toFixed(2)),
});

let started = performance.now();
for (const file of files.slice(0, perFileCount)) {
  const batch = await recalculateMany([file]);
  if (typeof batch.results[0] !== "string") throw batch.results[0];
  await batch.dispose();
}
const perFile = rate(perFileCount, performance.now() - started);

started = performance.now();
const batch = await recalculateMany(files);
const batchRate = rate(files.length, performance.now() - started);
let agree = 0;
for (const [i, c] of cases.entries()) {
  const copy = batch.results[i];
  const task = tasks.get(c.id);
  const gold = task.testCases.find((t) => t.n === c.test_case).answerPath;
  const pass = typeof copy === "string" && (await compareWorkbooks(gold, copy, task.answerPosition)).pass;
  if (pass === c.pass_after_recalc) agree++;
}
await batch.dispose();

started = performance.now();
await gradeTasks(
  cases.map((c, i) => ({
    task: { ...tasks.get(c.id), id: `${c.case}` },
    outputs: { [c.test_case]: files[i] },
  })),
  { recalc: true },
);
const cli = rate(files.length, performance.now() - started);

const queue = new RecalcQueue();
started = performance.now();
const copies = await Promise.all(files.map((file) => queue.recalculate(file)));
const queued = { ...rate(files.length, performance.now() - started), libreOfficeStarts: queue.batches };
await Promise.all(copies.map((copy) => copy.release()));

console.log(
  JSON.stringify({
    benchmark: "recalc",
    perFile,
    batch: batchRate,
    cli: { ...cli, note: "includes comparing the recalculated outputs" },
    queue: queued,
    speedupBatchOverPerFile: Number((batchRate.filesPerSecond / perFile.filesPerSecond).toFixed(1)),
    officialVerdictsAgreeAfterBatch: `${agree}/${cases.length}`,
  }),
);
