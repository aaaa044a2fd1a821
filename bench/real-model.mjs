// Real-model figures: skillgrad with local:gemma3-270m (Gemma 3 270M, Q4_K_M, through node-llama-cpp
// on this machine's CPU) in every role. Wall time, generation speed, pass rates with 95% intervals
// for eval of the seed and of a hand-improved skill on the sim world and on examples/wtq, and one
// small optimize run on a third of the sim world. Every figure is whatever the run gives.
//
//   node bench/real-model.mjs [tasksPerEval=12] [maxTurns=4] [--check-optimize]
//
// Each eval takes every 5th task of its 60 (12: two to three per sim family), through a split
// manifest written here. No response cache: every call is made. Needs `npm run build` and the model
// (`skillgrad models pull gemma3-270m`, run first).
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "dist", "cli", "main.js");
const tasksPerEval = Number(process.argv[2] ?? 12);
const maxTurns = String(process.argv[3] ?? 4);
const MODEL = "local:gemma3-270m";
const env = { ...process.env, SKILLGRAD_LOCAL_MAX_TOKENS: "256" };
const work = mkdtempSync(join(tmpdir(), "skillgrad-real-model-"));

function skillgrad(args) {
  process.stderr.write(`skillgrad ${args.join(" ")}\n`);
  const started = Date.now();
  const out = execFileSync(process.execPath, [cli, ...args], {
    cwd: work,
    env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 2 ** 20,
  });
  return { out, ms: Date.now() - started };
}

/** What every run here ends with: its concurrency, no response cache, its own runs folder, JSON out. */
const runFlags = (name) => [
  "--concurrency",
  "4",
  "--no-cache",
  "--runs-dir",
  join(work, name),
  "--json",
  "--quiet",
];

/** The command as recorded: the scratch folder as <tmp>, repository paths relative. */
const shownCommand = (args) =>
  `skillgrad ${args.map((arg) => (arg.startsWith(work) ? arg.replace(work, "<tmp>") : arg.replace(root, ""))).join(" ")}`;

/** Every step-th task id of a JSONL file, as a split manifest's test set. */
function subset(benchmark, ids, name) {
  const step = Math.max(1, Math.floor(ids.length / tasksPerEval));
  const chosen = ids.filter((_, index) => index % step === 0).slice(0, tasksPerEval);
  const path = join(work, `${name}.json`);
  const manifest = {
    name,
    benchmark,
    seed: 0,
    createdBy: "bench/real-model.mjs",
    protocol: "ratio",
    spec: `every ${step}th task`,
    sourceIds: ids.length,
    sets: { test: chosen },
  };
  writeFileSync(path, JSON.stringify(manifest, null, 2));
  return `${path}#test`;
}

const jsonIds = (file) =>
  readFileSync(join(root, file), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line).id);

/** Tokens actually computed (no cache hits) from a run's ledger. */
function ledgerTokens(runDir) {
  const lines = readFileSync(join(runDir, "ledger.jsonl"), "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const paid = lines.filter((line) => !line.cacheHit);
  const sum = (key) => paid.reduce((total, line) => total + (line[key] ?? 0), 0);
  return {
    calls: paid.length,
    failedCalls: paid.filter((line) => line.error).length,
    input: sum("inputTokens"),
    cachedInput: sum("cachedInputTokens"),
    output: sum("outputTokens"),
  };
}

/** What the agent did, read from the trajectories: how its turns went wrong or right. */
function behaviour(dir) {
  const counts = {
    steps: 0,
    stepsWithToolCall: 0,
    toolCalls: 0,
    toolErrors: 0,
    finishCalls: 0,
    emptyAnswers: 0,
    byTool: {},
  };
  for (const file of readdirSync(dir)) {
    const trajectory = JSON.parse(readFileSync(join(dir, file), "utf8"));
    if (!trajectory.answer) counts.emptyAnswers += 1;
    for (const step of trajectory.steps ?? []) {
      counts.steps += 1;
      const calls = step.toolCalls ?? [];
      if (calls.length > 0) counts.stepsWithToolCall += 1;
      for (const call of calls) {
        counts.toolCalls += 1;
        counts.byTool[call.name] = (counts.byTool[call.name] ?? 0) + 1;
        if (call.name === "finish") counts.finishCalls += 1;
      }
      for (const result of step.toolResults ?? []) {
        const output =
          typeof result.output === "string" ? result.output : JSON.stringify(result.output ?? "");
        if (result.error || /^(error|exit code [1-9])/i.test(output)) counts.toolErrors += 1;
      }
    }
  }
  return counts;
}

function speed(ms, tokens) {
  const seconds = ms / 1000;
  return {
    wallSec: Math.round(seconds),
    outputTokensPerSec: Math.round((tokens.output / seconds) * 10) / 10,
    promptTokensPerSec: Math.round(((tokens.input - tokens.cachedInput) / seconds) * 10) / 10,
  };
}

function evaluate(name, bench, split, skill) {
  const args = [
    "eval",
    "--bench",
    bench,
    "--split",
    split,
    "--model",
    MODEL,
    "--max-turns",
    maxTurns,
    ...runFlags(name),
  ];
  if (skill) args.push("--skill", join(root, skill));
  const { out, ms } = skillgrad(args);
  const summary = JSON.parse(out);
  const tokens = ledgerTokens(summary.runDir);
  return {
    command: shownCommand(args),
    skill: skill ?? "seed",
    tasks: summary.tasks,
    passes: summary.passes,
    passRate: summary.passRate,
    ci95: summary.ci95,
    outcomes: summary.outcomes,
    tokens,
    ...speed(ms, tokens),
    agent: behaviour(join(summary.runDir, "trajectories")),
  };
}

/**
 * A copy of the sim world's task file holding every third task (20), beside the world's files, so
 * that optimize can split it: 8 pool, 4 validation, 8 test.
 */
function simTaskSubset() {
  const source = join(root, "examples", "sim-world", "tasks.jsonl");
  const lines = readFileSync(source, "utf8").trim().split("\n");
  const chosen = lines.filter((_, index) => index % 3 === 0);
  const dir = join(work, "sim-world-subset");
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, "examples", "sim-world", "files"), join(dir, "files"), { recursive: true });
  writeFileSync(join(dir, "tasks.jsonl"), `${chosen.join("\n")}\n`);
  return join(dir, "tasks.jsonl");
}

function optimize(iterations = "3") {
  const name = "optimize-sim";
  const args = [
    "optimize",
    "--tasks",
    simTaskSubset(),
    "--skill",
    join(root, "examples", "sim-world", "skills", "csv-analyst"),
    "--model",
    MODEL,
    "--iterations",
    iterations,
    "--split",
    "ratio:pool=0.4,validation=0.2,test=0.4",
    "--train-size",
    "6",
    "--batch-size",
    "2",
    "--max-turns",
    maxTurns,
    "--base-max-turns",
    maxTurns,
    "--diagnoser-turns",
    "4",
    "--momentum-turns",
    "4",
    "--patcher-turns",
    "4",
    ...runFlags(name),
  ];
  const { out, ms } = skillgrad(args);
  const summary = JSON.parse(out);
  const tokens = ledgerTokens(summary.runDir);
  const score = (version) => ({
    version: version.version,
    validation: version.validation,
    testPassRate: version.passRate,
    testCi95: version.ci95,
  });
  return {
    command: shownCommand(args),
    tasks: "every third sim-world task (20), split 8 pool / 4 validation / 8 test",
    iterations: summary.iterations,
    status: summary.status,
    stopReason: summary.stopReason ?? null,
    seed: score(summary.seed),
    final: score(summary.final),
    best: score(summary.best),
    tokens,
    ...speed(ms, tokens),
  };
}

mkdirSync(work, { recursive: true });
skillgrad(["models", "pull", "gemma3-270m"]);
if (process.argv.includes("--check-optimize")) {
  // a quick check of the optimize command line (one iteration), not a figure
  console.log(JSON.stringify(optimize("1")));
  process.exit(0);
}
const simSplit = subset("sim", jsonIds("examples/sim-world/tasks.jsonl"), "sim-subset");
const wtqSplit = subset("wtq", jsonIds("examples/wtq/questions/unseen.jsonl"), "wtq-subset");
const started = new Date().toISOString();
const result = {
  model: `${MODEL} (Gemma 3 270M base model, Q4_K_M, node-llama-cpp 3.21.1, CPU)`,
  settings: {
    tasksPerEval,
    maxTurns: Number(maxTurns),
    concurrency: 4,
    SKILLGRAD_LOCAL_MAX_TOKENS: 256,
    cache: "off",
  },
  startedAt: started,
  loadAvgAtStart: loadavg()[0],
  simSeed: evaluate("sim-seed", "sim", simSplit),
  simImproved: evaluate("sim-improved", "sim", simSplit, "bench/real-model/skills/csv-analyst"),
  wtqSeed: evaluate("wtq-seed", "wtq", wtqSplit),
  wtqImproved: evaluate("wtq-improved", "wtq", wtqSplit, "bench/real-model/skills/table-questions"),
  optimizeSim: optimize(),
  loadAvgAtEnd: loadavg()[0],
};
console.log(JSON.stringify(result));
