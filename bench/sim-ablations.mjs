// The --no-momentum and --no-contrastive ablations on sim worlds (a simulation), over several
// generated worlds: each seed makes its own world (other families, operations and columns) and runs
// optimize three ways with the sim model at 10% noise. Reported as they come — the sim has no
// mechanism that makes an ablation lose. Usage (after a build): node bench/sim-ablations.mjs [seeds]
// Prints one JSON object: per-seed test pass rates, and per variant the mean and spread.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { generateSimWorld, simTaskLine } from "../dist/benchmarks/sim/world.js";
import {
  createRunFolder,
  DEFAULT_SETTINGS,
  loadTasks,
  ModelHub,
  makeSplit,
  parseSplitSpec,
  runOptimize,
  splitTasks,
} from "../dist/index.js";

const [seedCount = 8] = process.argv.slice(2).map(Number);
const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
const VARIANTS = {
  full: {},
  noMomentum: { momentum: false },
  noContrastive: { contrastive: false },
};
const model = "sim:noise=0.1";
const spec = "ratio:pool=0.5,validation=0.1,test=0.4";

async function writeWorld(seed, dir) {
  const world = generateSimWorld({ seed });
  for (const task of world.tasks) {
    await mkdir(dirname(join(dir, task.file.path)), { recursive: true });
    await writeFile(join(dir, task.file.path), task.file.csv);
  }
  await writeFile(join(dir, "tasks.jsonl"), `${world.tasks.map(simTaskLine).join("\n")}\n`);
  const skillDir = join(dir, "skills", "csv-analyst");
  await mkdir(skillDir, { recursive: true });
  for (const [path, text] of Object.entries(world.seedSkill)) await writeFile(join(skillDir, path), text);
  return { tasks: await loadTasks(join(dir, "tasks.jsonl")), skillDir };
}

const round = (x) => Math.round(x * 10000) / 10000;
function stats(values) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return {
    mean: round(mean),
    sd: round(sd),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
  };
}

const root = await mkdtemp(join(tmpdir(), "sg-bench-ablations-"));
const perSeed = [];
try {
  for (const seed of seeds) {
    const { tasks, skillDir } = await writeWorld(seed, join(root, `world-${seed}`));
    const manifest = makeSplit(
      tasks.map((t) => t.id),
      { spec: parseSplitSpec(spec), specText: spec, seed, benchmark: "sim" },
    );
    const row = { seed };
    for (const [name, settings] of Object.entries(VARIANTS)) {
      const folder = await createRunFolder(join(root, "runs"), "optimize", { bench: true });
      const hub = new ModelHub({
        roles: { executor: model, diagnoser: model, momentum: model, patcher: model, judge: model },
        cache: false,
      });
      const summary = await runOptimize({
        folder,
        hub,
        executorModel: model,
        seedSkillDir: skillDir,
        split: splitTasks(tasks, manifest),
        settings: { ...DEFAULT_SETTINGS, sandbox: "none", seed, ...settings },
      });
      row.seedTest ??= summary.seed.test?.passRate ?? null;
      row[name] = {
        final: summary.final.test?.passRate ?? null,
        best: summary.best.test?.passRate ?? null,
        iterations: summary.iterations,
      };
    }
    perSeed.push(row);
    process.stderr.write(`seed ${seed}: ${JSON.stringify(row)}\n`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

const variants = {};
for (const name of Object.keys(VARIANTS)) {
  const finals = perSeed.map((row) => row[name].final);
  variants[name] = {
    finalTest: stats(finals),
    gainOverSeed: stats(perSeed.map((row) => row[name].final - row.seedTest)),
    ...(name === "full" ? {} : { minusFull: stats(perSeed.map((row) => row[name].final - row.full.final)) }),
  };
}
console.log(
  JSON.stringify({
    model,
    split: spec,
    seeds: seeds.length,
    seedTest: stats(perSeed.map((row) => row.seedTest)),
    variants,
    perSeed,
  }),
);
