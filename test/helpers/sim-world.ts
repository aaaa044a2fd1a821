import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSimWorld, type SimFamily, simTaskLine, worldKey } from "../../src/benchmarks/sim/world.js";
import type { TaskResult } from "../../src/eval/evaluate.js";
import { runTask } from "../../src/executor/builtin/run-task.js";
import { graderFor } from "../../src/graders/index.js";
import type { Attempt } from "../../src/optimizer/stages/diagnose.js";
import { createSimModel, type SimModelOptions } from "../../src/sim/index.js";
import { loadSkill, type Skill } from "../../src/skill/index.js";
import { loadTasks } from "../../src/tasks/load.js";
import type { Task } from "../../src/tasks/types.js";
import { EXAMPLE_WORLD, SEED_SKILL } from "./paths.js";

/** Helpers for tests on the sim world (a simulation). Tests may read the world's answer key; sim roles never do. */

export { EXAMPLE_WORLD, SEED_SKILL };

export interface WorldOnDisk {
  dir: string;
  tasks: Task[];
  families: SimFamily[];
  seedSkill: string;
}

/** The committed example world, with its answer key (the default generator run). */
export async function exampleWorld(): Promise<WorldOnDisk> {
  return {
    dir: EXAMPLE_WORLD,
    tasks: await loadTasks(join(EXAMPLE_WORLD, "tasks.jsonl")),
    families: generateSimWorld().families,
    seedSkill: SEED_SKILL,
  };
}

/** A freshly generated world written to a temporary folder. */
export async function freshWorld(options: Parameters<typeof generateSimWorld>[0]): Promise<WorldOnDisk> {
  const world = generateSimWorld(options);
  const dir = await mkdtemp(join(tmpdir(), "sg-world-"));
  const { mkdir } = await import("node:fs/promises");
  for (const task of world.tasks) {
    await mkdir(join(dir, task.file.path, ".."), { recursive: true });
    await writeFile(join(dir, task.file.path), task.file.csv);
  }
  await writeFile(join(dir, "tasks.jsonl"), `${world.tasks.map(simTaskLine).join("\n")}\n`);
  await writeFile(join(dir, "world.json"), JSON.stringify(worldKey(world)));
  const skillDir = join(dir, "skills", "csv-analyst");
  await mkdir(skillDir, { recursive: true });
  for (const [path, text] of Object.entries(world.seedSkill)) await writeFile(join(skillDir, path), text);
  return {
    dir,
    tasks: await loadTasks(join(dir, "tasks.jsonl")),
    families: world.families,
    seedSkill: skillDir,
  };
}

/** A copy of a skill with extra lines appended to SKILL.md (and extra files). */
export async function skillWith(
  base: string,
  extraBody: string[],
  files: Record<string, string> = {},
): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), "sg-skill-")), "csv-analyst");
  await cp(base, dir, { recursive: true });
  const skillFile = join(dir, "SKILL.md");
  await writeFile(skillFile, `${(await readFile(skillFile, "utf8")).trimEnd()}\n\n${extraBody.join("\n")}\n`);
  const { mkdir } = await import("node:fs/promises");
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** One run of the sim executor on a task, graded. */
export async function attempt(
  task: Task,
  skill: Skill | undefined,
  model = createSimModel(),
): Promise<Attempt> {
  const run = await runTask({
    task,
    skill,
    model,
    modelName: "sim",
    workspaceRoot: await mkdtemp(join(tmpdir(), "sg-ws-")),
    sandbox: "none",
    maxTurns: 12,
    commandTimeoutSec: 10,
    taskTimeoutSec: 30,
  });
  const grade = await graderFor(task.grader)({ task, answer: run.answer, workspace: run.workspace });
  const result: TaskResult = {
    taskId: task.id,
    repeat: 0,
    pass: grade.pass,
    score: grade.score,
    feedback: grade.feedback,
    outcome: run.outcome,
    answer: run.answer,
    trajectory: "",
    usage: run.trajectory.usage,
    ms: run.trajectory.ms,
  };
  return { result, trajectory: run.trajectory };
}

/** Pass rate of a skill (or none) on tasks, and passes per family. */
export async function passRate(tasks: Task[], skillDir: string | undefined, options: SimModelOptions = {}) {
  const skill = skillDir ? await loadSkill(skillDir) : undefined;
  const model = createSimModel({ noise: 0, seed: 1, ...options });
  const byFamily: Record<string, number> = {};
  let passes = 0;
  for (const task of tasks) {
    if ((await attempt(task, skill, model)).result.pass) {
      passes++;
      const family = String(task.meta?.family);
      byFamily[family] = (byFamily[family] ?? 0) + 1;
    }
  }
  return { rate: passes / tasks.length, byFamily };
}
