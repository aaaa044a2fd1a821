// Writes a sim world (a simulation): tasks.jsonl, one CSV per task, world.json (the answer key) and
// the seed skill. Run with: npx tsx scripts/generate-sim-world.ts [--seed N] [--families N]
//   [--distractors N] [--per-family N] [--out DIR]      (default: examples/sim-world, seed 7)
// A test checks that the committed examples/sim-world is exactly what this writes by default.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { generateSimWorld, simTaskLine, worldKey } from "../src/benchmarks/sim/world.js";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: "7" },
    families: { type: "string", default: "6" },
    distractors: { type: "string", default: "1" },
    "per-family": { type: "string", default: "10" },
    out: { type: "string" },
  },
});
const root = resolve(values.out ?? join(import.meta.dirname, "..", "examples", "sim-world"));
const world = generateSimWorld({
  seed: Number(values.seed),
  families: Number(values.families),
  distractors: Number(values.distractors),
  perFamily: Number(values["per-family"]),
});
for (const generated of ["files", "skills"]) rmSync(join(root, generated), { recursive: true, force: true });
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
for (const task of world.tasks) write(task.file.path, task.file.csv);
write("tasks.jsonl", `${world.tasks.map(simTaskLine).join("\n")}\n`);
write("world.json", `${JSON.stringify(worldKey(world), null, 2)}\n`);
for (const [path, text] of Object.entries(world.seedSkill)) write(join("skills", "csv-analyst", path), text);
console.log(`wrote ${world.tasks.length} tasks in ${world.families.length} families to ${root}`);
