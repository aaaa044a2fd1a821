// Runs the benchmarks under bench/ (after `npm run build`) and writes bench/results.json.
//
//   npm run bench                          every section
//   npm run bench -- --only startup,wtqGradeCli
//                                          only those sections; the others are kept as they are in
//                                          bench/results.json (each section records when it was taken)
//
// Adding a benchmark: write bench/<name>.mjs printing one JSON object as its last stdout line, and add
// a section to SECTIONS below (a function returning the record). Figures depend on the machine and its
// load: each section records the load average when it ran, and results.json the machine.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

const here = (name) => fileURLToPath(new URL(name, import.meta.url));

function run(script, args = [], nodeFlags = []) {
  const started = Date.now();
  const out = execFileSync(process.execPath, [...nodeFlags, here(script), ...args.map(String)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = out.trim().split("\n").at(-1) ?? "{}";
  process.stderr.write(`${script} ${args.join(" ")}: ${line} (${Date.now() - started} ms)\n`);
  return JSON.parse(line);
}

/** Every section of results.json: name → how to measure it. */
const SECTIONS = {
  eval: () => ({
    note: "sim model (a simulation) with an artificial latency per call; target: wall time within 10% of the ideal bound at 200 tasks, concurrency 16",
    throughput: run("eval-throughput.mjs", [200, 16, 500]),
    memory: {
      note: "live heap after a full GC should stay flat as the task count grows (results stream to disk)",
      tasks200: run("eval-throughput.mjs", [200, 16, 0], ["--expose-gc"]),
      tasks1600: run("eval-throughput.mjs", [1600, 16, 0], ["--expose-gc"]),
    },
  }),
  optimizer: () => ({
    note: "sim world (a simulation): optimizer overhead = an iteration's wall time with zero model latency / with 300 ms per call; target under 10%",
    ...run("optimize-overhead.mjs", [300, 4]),
  }),
  simAblations: () => ({
    note: "sim worlds (a simulation): optimize with and without momentum and contrastive diagnosis on 8 generated worlds (world seed = run seed), test pass rates as they come; sd is the sample standard deviation over seeds; the sim has no mechanism that makes an ablation lose",
    ...run("sim-ablations.mjs", [8]),
  }),
  wtqGrade: () => ({
    note: "in-process: all 4,344 WTQ test predictions; target under one second",
    ...run("wtq-grade.mjs"),
  }),
  spreadsheetbenchGrade: () => ({
    note: "in-process: 50 tasks x 3 test cases without recalculation; target under five seconds",
    ...run("spreadsheetbench-grade.mjs"),
  }),
  startup: () => ({
    note: "whole processes, median of 11 alternated runs; target ≤ 200 ms for --help and grade … --help",
    ...run("startup.mjs", [11]),
  }),
  wtqGradeCli: () => ({
    note: "whole process: skillgrad grade wtq on 2,084 unseen-table predictions, median of 11 runs; target ≤ 190 ms (2x faster than the official evaluator's 0.38 s in the issue)",
    ...run("grade-cli.mjs", ["wtq", 11]),
  }),
  spreadsheetbenchGradeCli: () => ({
    note: "whole process: skillgrad grade spreadsheetbench --no-recalc on 50 outputs, median of 11 runs, next to an openpyxl reference; target ≤ 400 ms",
    ...run("grade-cli.mjs", ["spreadsheetbench", 11]),
  }),
  recalc: () => ({
    note: "LibreOffice recalculation of the 28 formula outputs: files per second with one start per file (before) and one start per batch (after)",
    ...run("recalc.mjs", [6]),
  }),
  crashLoop: () => ({
    note: "sim world (a simulation): one optimize run killed with SIGKILL at 10 random moments (spread over its paid calls), resumed after each; target: the same final skill as an uninterrupted run of the seed, and no request paid twice",
    ...run("crash-loop.mjs", [10]),
  }),
  queueScaling: () => ({
    note: "eval --queue on this machine: 1, 2 and 4 worker processes (4 slots each) and a private redis-server, sim model (a simulation) at 200 ms per call, 180 rollouts; target: at least 3.2x the rollouts per second at 4 workers as at 1",
    ...run("queue-scaling.mjs", [200, 3, 4, "1,2,4"]),
  }),
  localFootprint: () => ({
    note: "install size: a plain install of skillgrad (packed, production packages; the optional peers node-llama-cpp, bullmq and ioredis left out) and what node-llama-cpp, the optional peer dependency for local: models, adds on this platform",
    ...run("local-footprint.mjs"),
  }),
  realModel: () => ({
    note: "local:gemma3-270m (a real 270M base model on this machine's CPU) in every role: every 5th task of the sim world and of examples/wtq, seed vs hand-improved skill (bench/real-model/skills), and a 3-iteration optimize on the sim world; slow (an hour or more), run with --only realModel",
    ...run("real-model.mjs"),
  }),
  firstModelCall: () => ({
    note: "whole process: time from start to the first model call of eval and optimize (local OpenAI-compatible server), median of 7 runs",
    ...run("first-call.mjs", [7]),
  }),
};

if (process.env.SKILLGRAD_BENCH_CLI) {
  process.stderr.write(
    "bench: unset SKILLGRAD_BENCH_CLI (results.json holds this checkout's figures only)\n",
  );
  process.exit(2);
}
const onlyIndex = process.argv.indexOf("--only");
const only = onlyIndex >= 0 ? (process.argv[onlyIndex + 1] ?? "").split(",").filter(Boolean) : undefined;
const unknown = (only ?? []).filter((name) => !(name in SECTIONS));
if (only !== undefined && (only.length === 0 || unknown.length > 0)) {
  process.stderr.write(
    `bench: --only takes section names separated by commas${unknown.length > 0 ? ` (unknown: ${unknown.join(", ")})` : ""}; sections: ${Object.keys(SECTIONS).join(", ")}\n`,
  );
  process.exit(2);
}

const resultsPath = here("results.json");
const previous = only && existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, "utf8")) : {};
const results = {
  ...previous,
  takenAt: new Date().toISOString(),
  machine: {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGb: Math.round(totalmem() / 2 ** 30),
  },
};
for (const name of only ?? Object.keys(SECTIONS)) {
  const load = loadavg()[0];
  const record = SECTIONS[name]();
  results[name] = {
    ...record,
    takenAt: new Date().toISOString(),
    loadAverage1m: Number(load.toFixed(2)),
  };
}
// Sections in a stable order: the machine first, then the sections as listed above.
const ordered = { takenAt: results.takenAt, machine: results.machine };
for (const name of [...Object.keys(SECTIONS), ...Object.keys(results)]) {
  if (name in results && !(name in ordered)) ordered[name] = results[name];
}
writeFileSync(resultsPath, `${JSON.stringify(ordered, null, 2)}\n`);
process.stderr.write(
  `wrote bench/results.json (${only ? `sections ${only.join(", ")}` : "every section"})\n`,
);
