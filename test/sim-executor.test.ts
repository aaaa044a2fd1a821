import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SIM_FAMILIES } from "../src/benchmarks/sim/families.js";
import { runTask } from "../src/executor/run-task.js";
import { graderFor } from "../src/graders/index.js";
import { createSimModel } from "../src/sim/index.js";
import { loadSkill } from "../src/skill/index.js";
import { loadTasks } from "../src/tasks/load.js";
import { REPO } from "./helpers/paths.js";

const world = join(REPO, "examples", "sim-world");

async function passRate(skillDir: string | undefined, options: { noise?: number; family?: string } = {}) {
  const tasks = (await loadTasks(join(world, "tasks.jsonl"))).filter(
    (task) => !options.family || task.meta?.family === options.family,
  );
  const skill = skillDir ? await loadSkill(skillDir) : undefined;
  const model = createSimModel({ noise: options.noise ?? 0, seed: 1 });
  const root = await mkdtemp(join(tmpdir(), "sg-sim-"));
  let passes = 0;
  const byFamily: Record<string, number> = {};
  for (const task of tasks) {
    const run = await runTask({
      task,
      skill,
      model,
      modelName: "sim",
      workspaceRoot: root,
      sandbox: "none",
      maxTurns: 10,
      commandTimeoutSec: 10,
      taskTimeoutSec: 30,
    });
    const grade = await graderFor(task.grader)({ task, answer: run.answer, workspace: run.workspace });
    if (grade.pass) {
      passes++;
      const family = String(task.meta?.family);
      byFamily[family] = (byFamily[family] ?? 0) + 1;
    }
  }
  return { rate: passes / tasks.length, byFamily, tasks: tasks.length };
}

describe("the sim model playing the executor (a simulation)", () => {
  it("with the seed skill solves exactly the family whose rule the skill states", async () => {
    const result = await passRate(join(world, "skills", "csv-analyst"));
    expect(result.byFamily).toEqual({ "case-insensitive-names": 10 });
  });

  it("without a skill makes every family's typical mistake", async () => {
    expect((await passRate(undefined)).rate).toBe(0);
  });

  it("solves a family once the rule is written into a reference the body points to", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "sg-skill-")), "csv-analyst");
    await cp(join(world, "skills", "csv-analyst"), dir, { recursive: true });
    const dates = join(dir, "references", "dates.md");
    await writeFile(dates, `${await readFile(dates, "utf8")}- ${SIM_FAMILIES[0]?.rule}\n`);
    const result = await passRate(dir, { family: "day-first-dates" });
    expect(result.rate).toBe(1);
  });

  it("a skill stating every rule solves everything; noise then flips a seeded few", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "sg-skill-")), "csv-analyst");
    await cp(join(world, "skills", "csv-analyst"), dir, { recursive: true });
    const skillFile = join(dir, "SKILL.md");
    const rules = SIM_FAMILIES.map((family) => `- ${family.rule}`).join("\n");
    await writeFile(skillFile, `${await readFile(skillFile, "utf8")}\n## Rules\n\n${rules}\n`);
    expect((await passRate(dir)).rate).toBe(1);
    const noisy = await passRate(dir, { noise: 0.2 });
    expect(noisy.rate).toBeLessThan(1);
    expect(noisy.rate).toBeGreaterThan(0.5);
    expect((await passRate(dir, { noise: 0.2 })).rate).toBe(noisy.rate);
  });
});
