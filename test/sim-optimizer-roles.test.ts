import { cp, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SIM_FAMILIES, type SimFamily, statesRule } from "../src/benchmarks/sim/families.js";
import type { TaskResult } from "../src/eval/evaluate.js";
import { runTask } from "../src/executor/run-task.js";
import { graderFor } from "../src/graders/index.js";
import { type Attempt, type DiagnoseItem, diagnoseAll, isMissing } from "../src/optimizer/diagnose.js";
import { EMPTY_MEMORY, recordRemedies, updateMomentum } from "../src/optimizer/momentum.js";
import { blockingProblems, type PatchSignals, patchSkill } from "../src/optimizer/patch.js";
import type { Diagnosis, MissingDiagnosis, PatternMemory } from "../src/optimizer/records.js";
import { createSimModel, type SimModelOptions } from "../src/sim/index.js";
import { loadSkill, type Skill } from "../src/skill/index.js";
import { loadTasks } from "../src/tasks/load.js";
import type { Task } from "../src/tasks/types.js";
import { REPO } from "./helpers/paths.js";

/** The sim model playing the optimizer's roles on the sim world (a simulation), through the real optimizer code. */

const world = join(REPO, "examples", "sim-world");
const seedSkill = join(world, "skills", "csv-analyst");
let tasks: Task[] = [];

beforeAll(async () => {
  tasks = await loadTasks(join(world, "tasks.jsonl"));
});

const family = (id: string) => SIM_FAMILIES.find((f) => f.id === id) as SimFamily;
const tasksOf = (id: string) => tasks.filter((task) => task.meta?.family === id);

async function copySeed(): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), "sg-roles-")), "csv-analyst");
  await cp(seedSkill, dir, { recursive: true });
  return dir;
}

async function attempt(task: Task, skill: Skill | undefined, model = createSimModel()): Promise<Attempt> {
  const run = await runTask({
    task,
    skill,
    model,
    modelName: "sim",
    workspaceRoot: await mkdtemp(join(tmpdir(), "sg-roles-ws-")),
    sandbox: "none",
    maxTurns: 10,
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

async function passRate(skillDir: string, familyId: string): Promise<number> {
  const skill = await loadSkill(skillDir);
  let passes = 0;
  for (const task of tasksOf(familyId)) if ((await attempt(task, skill)).result.pass) passes++;
  return passes / tasksOf(familyId).length;
}

function found(list: Array<Diagnosis | MissingDiagnosis>): Diagnosis[] {
  for (const diagnosis of list) expect(isMissing(diagnosis), JSON.stringify(diagnosis)).toBe(false);
  return list as Diagnosis[];
}

/** Failure diagnoses of the first `count` tasks of a family, run with the seed skill. */
async function failures(familyId: string, count: number, options: SimModelOptions = {}, iteration = 1) {
  const skill = await loadSkill(seedSkill);
  const items: DiagnoseItem[] = [];
  for (const task of tasksOf(familyId).slice(0, count)) {
    const current = await attempt(task, skill);
    expect(current.result.pass).toBe(false);
    items.push({ task, signal: "failure", current });
  }
  const model = createSimModel(options);
  return found(await diagnoseAll(items, { model, skill, iteration, concurrency: 2 }));
}

async function patch(dir: string, signals: PatchSignals, options: SimModelOptions = {}, maxAnchors = 3) {
  const outcome = await patchSkill({
    model: createSimModel(options),
    dir,
    signals,
    rejected: [],
    maxAnchors,
    repairRounds: 2,
  });
  expect(outcome.rolledBack, JSON.stringify(outcome.problems)).toBe(false);
  expect(blockingProblems(await loadSkill(dir))).toEqual([]);
  return outcome;
}

const failing = SIM_FAMILIES.filter((f) => f.id !== "case-insensitive-names"); // the seed skill states that rule

describe("the sim model as failure diagnoser (a simulation)", () => {
  it("names each family's label and discovers its rule from a failure", async () => {
    for (const f of failing) {
      const [diagnosis] = await failures(f.id, 1);
      expect(diagnosis?.label).toBe(f.label);
      expect(diagnosis?.kind).toBe(f.kind);
      expect(diagnosis?.correctApproach).toBe(f.rule);
      expect(diagnosis?.cause).toContain("activated the skill");
    }
  });

  it("with noise gives some vague diagnoses that state no rule, the same ones every run", async () => {
    const noisy = await failures("total-row", 10, { noise: 0.5, seed: 4 });
    const vague = noisy.filter((d) => d.label !== family("total-row").label);
    expect(vague.length).toBeGreaterThan(0);
    expect(vague.length).toBeLessThan(noisy.length);
    for (const d of vague) expect(SIM_FAMILIES.some((f) => statesRule(f, d.correctApproach))).toBe(false);
    const again = await failures("total-row", 10, { noise: 0.5, seed: 4 });
    expect(again.map((d) => d.label)).toEqual(noisy.map((d) => d.label));
  });
});

describe("the sim model as contrastive diagnoser (a simulation)", () => {
  it("calls a success robust when the skill text read states the rule, lucky when it does not", async () => {
    const dir = await copySeed();
    const task = tasksOf("day-first-dates")[0] as Task;
    const earlier = await attempt(task, await loadSkill(dir));
    await writeFile(join(dir, "references", "dates.md"), `# Dates\n\n- ${family("day-first-dates").rule}\n`);
    const skill = await loadSkill(dir);
    const robustRun = await attempt(task, skill);
    // executor noise 1 flips every decision: a pass without the rule is luck
    const luckyRun = await attempt(task, await loadSkill(seedSkill), createSimModel({ noise: 1 }));
    expect([earlier.result.pass, robustRun.result.pass, luckyRun.result.pass]).toEqual([false, true, true]);
    const model = createSimModel();
    const [robust, lucky] = found(
      await diagnoseAll(
        [
          { task, signal: "success", current: robustRun, earlier },
          { task, signal: "success", current: luckyRun, earlier },
        ],
        { model, skill, iteration: 2, concurrency: 1 },
      ),
    );
    expect(robust?.robustness).toBe("robust");
    expect(robust?.label).toBe(family("day-first-dates").label);
    expect(robust?.correctApproach).toBe(family("day-first-dates").rule);
    expect(lucky?.robustness).toBe("lucky");
  });
});

describe("the sim model as momentum keeper (a simulation)", () => {
  it("merges same-label diagnoses into one pattern and marks a recurrence after a remedy 'strengthen'", async () => {
    const skill = await loadSkill(seedSkill);
    const model = createSimModel();
    const first = [...(await failures("thousands-separators", 2)), ...(await failures("total-row", 1))];
    const vague = { ...(first[2] as Diagnosis), taskId: "x-1", label: "Incorrect final value returned" };
    vague.correctApproach = "Check the computation carefully.";
    const one = await updateMomentum(model, {
      iteration: 1,
      memory: EMPTY_MEMORY,
      diagnoses: [...first, vague],
      skill,
      patches: [],
    });
    if (!one.ok) throw new Error(one.error);
    const patterns = one.value.memory.patterns;
    expect(patterns.map((p) => [p.slug, p.anchor, p.appearances.length])).toEqual([
      ["formatted-numbers-dropped-from-sum", "references/numbers.md", 2],
      ["summary-row-counted-as-data", "section:workflow", 1],
    ]);
    expect(one.value.overlay.entries.map((e) => [e.pattern, e.direction])).toEqual([
      ["new:formatted-numbers-dropped-from-sum", "add"],
      ["new:formatted-numbers-dropped-from-sum", "add"],
      ["new:summary-row-counted-as-data", "add"],
      ["none", "add"],
    ]);

    const patched = {
      iteration: 1,
      notes: "",
      edits: [
        {
          pattern: "formatted-numbers-dropped-from-sum",
          anchor: "references/numbers.md",
          why: "",
          op: "write_file",
        },
      ],
    };
    const memory = recordRemedies(one.value.memory, patched);
    const again = await failures("thousands-separators", 3, {}, 2);
    const two = await updateMomentum(model, {
      iteration: 2,
      memory,
      diagnoses: again.slice(2),
      skill,
      patches: [patched],
    });
    if (!two.ok) throw new Error(two.error);
    expect(two.value.memory.patterns).toHaveLength(2);
    const numbers = two.value.memory.patterns[0];
    expect(numbers?.appearances.map((a) => a.iteration)).toEqual([1, 1, 2]);
    expect(numbers?.remedies).toHaveLength(1);
    expect(two.value.overlay.entries.map((e) => [e.pattern, e.direction])).toEqual([
      ["formatted-numbers-dropped-from-sum", "strengthen"],
    ]);
  });
});

describe("the sim model as patcher (a simulation)", () => {
  it("writes each failing family's rule where the simulated agent reads it, passing the read-back checks", async () => {
    for (const f of failing) {
      const dir = await copySeed();
      expect(await passRate(dir, f.id)).toBe(0);
      const outcome = await patch(dir, { diagnoses: await failures(f.id, 2) });
      expect(outcome.applied.length).toBeGreaterThan(0);
      expect(await passRate(dir, f.id)).toBe(1);
    }
  });

  it("an edit at an anchor holding guidance replaces it, unless a robust success there asks to preserve it", async () => {
    const dir = await copySeed();
    await patch(dir, { diagnoses: await failures("total-row", 1) });
    expect(await passRate(dir, "total-row")).toBe(1);
    const shares = await failures("percent-shares", 1);

    // a robust contrastive diagnosis for a total-row task: failed with the seed, passes now
    const task = tasksOf("total-row")[0] as Task;
    const skill = await loadSkill(dir);
    const item: DiagnoseItem = {
      task,
      signal: "success",
      current: await attempt(task, skill),
      earlier: await attempt(task, await loadSkill(seedSkill)),
    };
    const [success] = found(
      await diagnoseAll([item], { model: createSimModel(), skill, iteration: 2, concurrency: 1 }),
    );
    expect(success?.robustness).toBe("robust");

    const preserved = join(await mkdtemp(join(tmpdir(), "sg-roles-")), "csv-analyst");
    await cp(dir, preserved, { recursive: true });
    await patch(preserved, { diagnoses: [...shares, success as Diagnosis] });
    expect(await passRate(preserved, "percent-shares")).toBe(1);
    expect(await passRate(preserved, "total-row")).toBe(1);

    await patch(dir, { diagnoses: shares });
    expect(await passRate(dir, "percent-shares")).toBe(1);
    expect(await passRate(dir, "total-row")).toBe(0);
  });

  it("with noise writes a weakened rule; momentum's 'strengthen' then restates it exactly", async () => {
    const dir = await copySeed();
    const skill = await loadSkill(dir);
    const noisy = { noise: 1 }; // every 'add' is weakened: the mechanic shown plainly
    const first = await failures("half-up-rounding", 1);
    const one = await updateMomentum(createSimModel(), {
      iteration: 1,
      memory: EMPTY_MEMORY,
      diagnoses: first,
      skill,
      patches: [],
    });
    if (!one.ok) throw new Error(one.error);
    const step1 = await patch(dir, { diagnoses: first }, noisy);
    expect(await passRate(dir, "half-up-rounding")).toBe(0);

    const summary = {
      iteration: 1,
      notes: step1.notes,
      edits: step1.applied.map((e) => ({ pattern: e.pattern, anchor: e.anchor, why: e.why, op: e.edit.op })),
    };
    const memory: PatternMemory = recordRemedies(one.value.memory, summary);
    const again = await failures("half-up-rounding", 2, {}, 2);
    const two = await updateMomentum(createSimModel(), {
      iteration: 2,
      memory,
      diagnoses: again.slice(1),
      skill: await loadSkill(dir),
      patches: [summary],
    });
    if (!two.ok) throw new Error(two.error);
    expect(two.value.overlay.entries[0]?.direction).toBe("strengthen");
    await patch(dir, { overlay: two.value.overlay, memory: two.value.memory }, noisy);
    expect(await passRate(dir, "half-up-rounding")).toBe(1);
  });

  it("after three remedies makes the rule a numbered workflow step (a structural move)", async () => {
    const dir = await copySeed();
    const skill = await loadSkill(dir);
    const diagnoses = await failures("thousands-separators", 1);
    const one = await updateMomentum(createSimModel(), {
      iteration: 1,
      memory: EMPTY_MEMORY,
      diagnoses,
      skill,
      patches: [],
    });
    if (!one.ok) throw new Error(one.error);
    const remedy = { iteration: 1, diagnosis: "x", patch: "y" };
    const memory = {
      patterns: one.value.memory.patterns.map((p) => ({ ...p, remedies: [remedy, remedy, remedy] })),
    };
    const two = await updateMomentum(createSimModel(), {
      iteration: 4,
      memory,
      diagnoses,
      skill,
      patches: [],
    });
    if (!two.ok) throw new Error(two.error);
    const outcome = await patch(dir, { overlay: two.value.overlay, memory: two.value.memory });
    expect(outcome.applied.map((e) => e.anchor)).toEqual(["section:workflow"]);
    const workflow = (await loadSkill(dir)).sections.find((s) => s.slug === "workflow");
    expect(workflow?.content).toContain(`1. ${family("thousands-separators").rule}`);
    expect(workflow?.content).toContain("5. Reply with the value only");
    expect(await passRate(dir, "thousands-separators")).toBe(1);
  });

  it("repairs an orphaned reference the read-back checks find", async () => {
    const dir = await copySeed();
    await writeFile(join(dir, "references", "extra.md"), "# Extra\n");
    const outcome = await patch(dir, { diagnoses: await failures("day-first-dates", 1) });
    expect(outcome.repairRounds).toBe(1);
    expect((await loadSkill(dir)).body).toContain("Read references/extra.md when");
  });

  it("keeps to the edit budget, pointing the body to any new reference", async () => {
    const dir = await copySeed();
    const diagnoses = [
      ...(await failures("thousands-separators", 1)),
      ...(await failures("half-up-rounding", 1)),
      ...(await failures("total-row", 1)),
    ];
    const outcome = await patch(dir, { diagnoses }, {}, 3);
    expect(outcome.applied.map((e) => e.anchor)).toEqual([
      "references/numbers.md",
      "references/rounding.md",
      "section:references",
    ]);
    expect(await passRate(dir, "thousands-separators")).toBe(1);
    expect(await passRate(dir, "half-up-rounding")).toBe(1);
    expect(await passRate(dir, "total-row")).toBe(0);
  });
});
