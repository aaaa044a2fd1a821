// The optimizer's own overhead on the sim world (a simulation): the same optimize run with the sim
// model at zero latency (all that is left is skillgrad's own work) and at a realistic latency.
// Also the calls and tokens per stage per iteration. Usage (after a build):
//   node bench/optimize-overhead.mjs [latencyMs] [iterations]
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  benchmarkNames,
  createRunFolder,
  DEFAULT_SETTINGS,
  loadBenchmark,
  ModelHub,
  makeSplit,
  parseSplitSpec,
  runOptimize,
  splitTasks,
} from "../dist/index.js";

const [latencyMs = 300, iterations = 4] = process.argv.slice(2).map(Number);
if (!benchmarkNames().includes("sim")) throw new Error("the sim benchmark is missing");
const sim = await loadBenchmark("sim");
const tasks = await sim.loadTasks({});
const spec = "ratio:pool=0.5,validation=0.1,test=0.4";
const manifest = makeSplit(
  tasks.map((t) => t.id),
  { spec: parseSplitSpec(spec), specText: spec, seed: 0, benchmark: "sim" },
);

async function once(latency) {
  const runs = await mkdtemp(join(tmpdir(), "sg-bench-opt-"));
  const folder = await createRunFolder(runs, "optimize", { bench: true });
  const model = `sim:noise=0.1,latency=${latency}`;
  const hub = new ModelHub({
    roles: { executor: model, diagnoser: model, momentum: model, patcher: model, judge: model },
    cache: false,
    ledgerPath: folder.ledger,
  });
  await runOptimize({
    folder,
    hub,
    executorModel: model,
    seedSkillDir: sim.seedSkill,
    split: splitTasks(tasks, manifest),
    settings: { ...DEFAULT_SETTINGS, sandbox: "none", maxIterations: iterations },
  });
  const events = readFileSync(folder.events, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  const ledger = readFileSync(folder.ledger, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  // iteration wall time: from its first stage event to its iteration-done event
  const perIteration = {};
  for (const event of events) {
    if (!event.iteration) continue;
    perIteration[event.iteration] ??= { start: Date.parse(event.ts), end: 0, stages: {} };
    const slot = perIteration[event.iteration];
    if (event.type === "iteration-done") slot.end = Date.parse(event.ts);
  }
  // each ledger line names its stage; its iteration is that of the latest stage event before it.
  // The base run and the final test evaluation belong to no iteration.
  const marks = events
    .filter((e) => e.type === "stage")
    .map((e) => ({ t: Date.parse(e.ts), iteration: e.iteration ?? 0, stage: e.stage }));
  for (const line of ledger) {
    if (line.stage === "base" || line.stage === "test") continue;
    const t = Date.parse(line.ts);
    const mark = marks.filter((m) => m.t <= t).at(-1);
    if (!mark?.iteration) continue;
    const name = line.stage ?? mark.stage;
    const stages = perIteration[mark.iteration].stages;
    stages[name] ??= { calls: 0, inputTokens: 0, outputTokens: 0 };
    const stage = stages[name];
    stage.calls++;
    stage.inputTokens += line.inputTokens;
    stage.outputTokens += line.outputTokens;
  }
  await rm(runs, { recursive: true, force: true });
  return Object.fromEntries(
    Object.entries(perIteration).map(([k, v]) => [k, { wallMs: v.end - v.start, stages: v.stages }]),
  );
}

const zero = await once(0);
const real = await once(latencyMs);
const iterationsMeasured = Object.keys(real);
const overheadPct = iterationsMeasured.map((k) => Math.round((zero[k].wallMs / real[k].wallMs) * 1000) / 10);
console.log(
  JSON.stringify({
    latencyMs,
    iterations: iterationsMeasured.length,
    iterationWallMs: iterationsMeasured.map((k) => real[k].wallMs),
    zeroLatencyIterationWallMs: iterationsMeasured.map((k) => zero[k].wallMs),
    overheadPct,
    meanOverheadPct: Math.round((overheadPct.reduce((a, b) => a + b, 0) / overheadPct.length) * 10) / 10,
    perIterationStages: Object.fromEntries(iterationsMeasured.map((k) => [k, real[k].stages])),
  }),
);
