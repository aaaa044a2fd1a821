import { readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnosis, MissingDiagnosis } from "../src/optimizer/records.js";
import { type DiagnoseItem, diagnoseAll, isMissing } from "../src/optimizer/stages/diagnose.js";
import { EMPTY_MEMORY, recordRemedies, updateMomentum } from "../src/optimizer/stages/momentum.js";
import { blockingProblems, type PatchSignals, patchSkill } from "../src/optimizer/stages/patch.js";
import { createSimModel, type SimModelOptions } from "../src/sim/index.js";
import { answerQuestion, parseQuestion, type Question } from "../src/sim/library/question.js";
import { tableOf } from "../src/sim/library/read.js";
import { formatRule, parseRules } from "../src/sim/library/rules.js";
import { loadSkill } from "../src/skill/index.js";
import type { Task } from "../src/tasks/types.js";
import { attempt, exampleWorld, passRate, SEED_SKILL, skillWith } from "./helpers/sim-world.js";

/** The sim model playing the optimizer's roles (a simulation), through the real optimizer code. */

const world = await exampleWorld();
const tasksOf = (family: string) => world.tasks.filter((task) => task.meta?.family === family);
const learnable = world.families.filter((f) => f.needs.length > 0).slice(1); // the seed states the first
const rulesOf = (text: string) => parseRules(text).map(formatRule).sort();
const needsOf = (id: string) => (world.families.find((f) => f.id === id)?.needs ?? []).map(formatRule).sort();

async function copySeed(): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), "sg-roles-")), "csv-analyst");
  await cp(SEED_SKILL, dir, { recursive: true });
  return dir;
}

function found(list: Array<Diagnosis | MissingDiagnosis>): Diagnosis[] {
  for (const diagnosis of list) expect(isMissing(diagnosis), JSON.stringify(diagnosis)).toBe(false);
  return list as Diagnosis[];
}

async function failureItems(tasks: Task[], skillDir = SEED_SKILL): Promise<DiagnoseItem[]> {
  const skill = await loadSkill(skillDir);
  const items: DiagnoseItem[] = [];
  for (const task of tasks) {
    const current = await attempt(task, skill);
    expect(current.result.pass, task.id).toBe(false);
    items.push({ task, signal: "failure", current });
  }
  return items;
}

async function diagnose(
  items: DiagnoseItem[],
  options: SimModelOptions = {},
  withholdEvidence = false,
  iteration = 1,
) {
  const skill = await loadSkill(SEED_SKILL);
  return found(
    await diagnoseAll(items, {
      model: createSimModel(options),
      skill,
      iteration,
      concurrency: 2,
      withholdEvidence,
    }),
  );
}

async function patch(dir: string, signals: PatchSignals, options: SimModelOptions = {}, maxAnchors = 4) {
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

describe("the sim failure diagnoser (a simulation): from evidence alone", () => {
  it("names the conventions a family's data needs, found by searching the operation library", async () => {
    let exact = 0;
    let total = 0;
    for (const family of learnable) {
      for (const diagnosis of await diagnose(await failureItems(tasksOf(family.id).slice(0, 3)))) {
        total++;
        const rules = rulesOf(diagnosis.correctApproach);
        expect(rules.length, diagnosis.cause).toBeGreaterThan(0);
        if (JSON.stringify(rules) === JSON.stringify(needsOf(family.id))) exact++;
      }
    }
    // the smallest set that reproduces the answer is nearly always the family's own
    expect(exact / total).toBeGreaterThanOrEqual(0.8);
  });

  it("cannot name a rule when the grader's feedback or the trajectory is withheld", async () => {
    const items = await failureItems(tasksOf(learnable[0]?.id as string).slice(0, 2));
    for (const diagnosis of await diagnose(items, {}, true)) {
      expect(parseRules(diagnosis.correctApproach)).toEqual([]);
      expect(diagnosis.label).toBe("Incorrect final value returned");
    }
    const noFeedback = items.map((item) => ({
      ...item,
      current: { ...item.current, result: { ...item.current.result, feedback: "wrong answer" } },
    }));
    for (const diagnosis of await diagnose(noFeedback))
      expect(parseRules(diagnosis.correctApproach)).toEqual([]);
  });

  it("follows the data, not the task text: the same question on data with another convention gets another rule", async () => {
    const family = learnable[0];
    const task = tasksOf(family?.id as string)[0] as Task;
    const [item] = await failureItems([task]);
    if (!item) throw new Error("no item");
    const [original] = await diagnose([item]);
    // the agent read a table with a summary row added; its answer, expected value: from that table
    const readCall = item.current.trajectory.steps
      .flatMap((s) => s.toolResults)
      .find((r) => r.name === "read_file");
    if (!readCall) throw new Error("no read_file");
    const lines = readCall.output.trimEnd().split("\n");
    const header = lines[0]?.split(",") ?? [];
    const plain = ["A-1", "", "", "5"].slice(0, header.length);
    const changed = structuredClone(item);
    const changedRead = changed.current.trajectory.steps
      .flatMap((s) => s.toolResults)
      .find((r) => r.name === "read_file");
    if (!changedRead) throw new Error("no read_file");
    changedRead.output = [lines[0], plain.join(","), `Grand total,,,${5}`].join("\n");
    changed.current.result.feedback = `expected 5, got "10" (off by 5, tolerance 0.005)`;
    changed.task = {
      ...task,
      prompt: `data.csv lists things. What is the total of the "${header[3]}" column? Answer with the number only.`,
    };
    const [other] = await diagnose([changed]);
    expect(rulesOf(other?.correctApproach ?? "")).toEqual([
      `Rule: skip-rows Grand total in column ${header[0]}`,
    ]);
    expect(rulesOf(original?.correctApproach ?? "")).not.toEqual(rulesOf(other?.correctApproach ?? ""));
  });

  it("with noise gives some vague diagnoses, the same ones every run", async () => {
    const items = await failureItems(tasksOf(learnable[1]?.id as string));
    const noisy = await diagnose(items, { noise: 0.5, seed: 4 });
    const vague = noisy.filter((d) => parseRules(d.correctApproach).length === 0);
    expect(vague.length).toBeGreaterThan(0);
    expect(vague.length).toBeLessThan(noisy.length);
    expect((await diagnose(items, { noise: 0.5, seed: 4 })).map((d) => d.label)).toEqual(
      noisy.map((d) => d.label),
    );
  });
});

describe("the sim contrastive diagnoser (a simulation)", () => {
  it("names the rules, stated in the newer skill, that explain a success; robust", async () => {
    const family = learnable[0];
    const task = tasksOf(family?.id as string)[0] as Task;
    const earlier = await attempt(task, await loadSkill(SEED_SKILL));
    const dir = await skillWith(SEED_SKILL, ["## More", "", ...(family?.needs ?? []).map(formatRule)]);
    const current = await attempt(task, await loadSkill(dir));
    expect([earlier.result.pass, current.result.pass]).toEqual([false, true]);
    const [success] = found(
      await diagnoseAll([{ task, signal: "success", current, earlier }], {
        model: createSimModel(),
        skill: await loadSkill(dir),
        iteration: 2,
        concurrency: 1,
      }),
    );
    expect(success?.robustness).toBe("robust");
    expect(rulesOf(success?.correctApproach ?? "")).toEqual(needsOf(family?.id as string));
  });

  it("calls a success lucky when the rules the agent read do not give the answer", async () => {
    // a wrong rule that skips a row the answer depends on; with noise 1 the agent forgets it and passes
    const distractor = world.families.find((f) => f.needs.length === 0) as (typeof world.families)[number];
    const candidates = tasksOf(distractor.id).map((task) => {
      const table = tableOf(readFileSync(task.files[0]?.from ?? "", "utf8"));
      const question = parseQuestion(task.prompt) as Question;
      const key = table.rows[0]?.[0] ?? "";
      const rule = parseRules(`Rule: skip-rows ${key} in column ${distractor.columns.key}`);
      return { task, rule, changes: answerQuestion(question, table, rule) !== String(task.expected) };
    });
    const chosen = candidates.find((c) => c.changes);
    if (!chosen) throw new Error("no distractor task depends on its first row");
    const skipping = await skillWith(SEED_SKILL, ["## More", "", formatRule(chosen.rule[0] as never)]);
    const skill = await loadSkill(skipping);
    const failed = await attempt(chosen.task, skill);
    const lucky = await attempt(chosen.task, skill, createSimModel({ noise: 1 }));
    expect([failed.result.pass, lucky.result.pass]).toEqual([false, true]);
    const [success] = found(
      await diagnoseAll([{ task: chosen.task, signal: "success", current: lucky, earlier: failed }], {
        model: createSimModel(),
        skill,
        iteration: 2,
        concurrency: 1,
      }),
    );
    expect(success?.robustness).toBe("lucky");
    expect(parseRules(success?.correctApproach ?? "")).toEqual([]);
  });
});

describe("the sim momentum keeper (a simulation)", () => {
  it("merges diagnoses of one label into a pattern anchored to a reference named from it; 'strengthen' on recurrence", async () => {
    const skill = await loadSkill(SEED_SKILL);
    const model = createSimModel();
    const family = learnable[0]?.id as string;
    const first = await diagnose(await failureItems(tasksOf(family).slice(0, 2)));
    const vague = {
      ...(first[0] as Diagnosis),
      taskId: "x-1",
      label: "Incorrect final value returned",
      correctApproach: "Check.",
    };
    const one = await updateMomentum(model, {
      iteration: 1,
      memory: EMPTY_MEMORY,
      diagnoses: [...first, vague],
      skill,
      patches: [],
    });
    if (!one.ok) throw new Error(one.error);
    const [pattern] = one.value.memory.patterns;
    expect(one.value.memory.patterns).toHaveLength(1);
    expect(pattern?.anchor).toBe(`references/${pattern?.slug}.md`);
    expect(pattern?.appearances).toHaveLength(2);
    expect(rulesOf(pattern?.description ?? "")).toEqual(needsOf(family));
    expect(one.value.overlay.entries.map((e) => [e.pattern.startsWith("new:"), e.direction])).toEqual([
      [true, "add"],
      [true, "add"],
      [false, "add"],
    ]);
    expect(one.value.overlay.entries[2]?.pattern).toBe("none");

    const patched = {
      iteration: 1,
      notes: "",
      edits: [{ pattern: pattern?.slug ?? "", anchor: pattern?.anchor ?? "", why: "", op: "write_file" }],
    };
    const memory = recordRemedies(one.value.memory, patched);
    const again = await diagnose(await failureItems(tasksOf(family).slice(2, 3)), {}, false, 2);
    const two = await updateMomentum(model, {
      iteration: 2,
      memory,
      diagnoses: again,
      skill,
      patches: [patched],
    });
    if (!two.ok) throw new Error(two.error);
    expect(two.value.memory.patterns[0]?.remedies).toHaveLength(1);
    expect(two.value.overlay.entries.map((e) => e.direction)).toEqual(["strengthen"]);
  });
});

describe("the sim patcher (a simulation)", () => {
  it("writes a family's rules into a reference the body points to, so that family passes and no other gets worse", async () => {
    const before = await passRate(world.tasks, SEED_SKILL);
    for (const family of learnable) {
      const dir = await copySeed();
      const outcome = await patch(dir, {
        diagnoses: await diagnose(await failureItems(tasksOf(family.id).slice(0, 2))),
      });
      expect(outcome.applied.map((e) => e.anchor)).toContain("section:references");
      const after = await passRate(world.tasks, dir);
      expect(after.byFamily[family.id]).toBe(10);
      for (const [other, passes] of Object.entries(before.byFamily))
        expect(after.byFamily[other]).toBe(passes);
      expect((await loadSkill(dir)).body).toMatch(
        /Read references\/[\w-]+\.md (when a question involves|before answering)/,
      );
    }
  });

  it("with noise writes a loose note the agent cannot apply; a later step replaces it with the rule", async () => {
    const family = learnable[1]?.id as string;
    const diagnoses = await diagnose(await failureItems(tasksOf(family).slice(0, 1)));
    const dir = await copySeed();
    await patch(dir, { diagnoses }, { noise: 1 });
    expect((await passRate(tasksOf(family), dir)).rate).toBe(0);
    const files = (await loadSkill(dir)).resources.map((r) => r.text ?? "").join("\n");
    expect(files).toContain("Note: ");
    await patch(dir, { diagnoses });
    expect((await passRate(tasksOf(family), dir)).rate).toBe(1);
    const after = (await loadSkill(dir)).resources.map((r) => r.text ?? "").join("\n");
    expect(after).not.toContain("Note: ");
  });

  it("does not overwrite a rule that explains a robust success with a conflicting one", async () => {
    const family = learnable[0];
    const rule =
      family?.needs.find((r) => r.op === "date-order" || r.op === "text-match" || r.op === "currency") ??
      family?.needs[0];
    if (!family || !rule) throw new Error("no rule");
    const dir = await copySeed();
    await patch(dir, { diagnoses: await diagnose(await failureItems(tasksOf(family.id).slice(0, 1))) });
    expect((await passRate(tasksOf(family.id), dir)).rate).toBe(1);
    const success = {
      ...(await diagnose(await failureItems(tasksOf(family.id).slice(0, 1))))[0],
      signal: "success",
      robustness: "robust",
    } as Diagnosis;
    const conflicting = {
      ...success,
      signal: "failure",
      robustness: undefined,
      taskId: "t-x",
      correctApproach: formatRule({
        ...rule,
        arg: rule.op === "date-order" ? "month-first" : rule.op === "text-match" ? "exact" : "¥",
      }),
    } as unknown as Diagnosis;
    const preserved = join(await mkdtemp(join(tmpdir(), "sg-roles-")), "csv-analyst");
    await cp(dir, preserved, { recursive: true });
    await patch(preserved, { diagnoses: [success, conflicting] });
    expect((await passRate(tasksOf(family.id), preserved)).rate).toBe(1);
    await patch(dir, { diagnoses: [conflicting] });
    expect((await passRate(tasksOf(family.id), dir)).rate).toBe(0);
  });

  it("after three remedies moves a recurring pattern's rules into the body (a structural move)", async () => {
    const family = learnable[0]?.id as string;
    const skill = await loadSkill(SEED_SKILL);
    const diagnoses = await diagnose(await failureItems(tasksOf(family).slice(0, 1)));
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
    const dir = await copySeed();
    const outcome = await patch(dir, { diagnoses, overlay: two.value.overlay, memory: two.value.memory });
    expect(outcome.applied.map((e) => e.anchor)).toEqual(["section:conventions"]);
    const conventions = (await loadSkill(dir)).sections.find((s) => s.slug === "conventions");
    expect(rulesOf(conventions?.content ?? "")).toEqual(
      [...needsOf(world.families[0]?.id as string), ...needsOf(family)].sort(),
    );
    expect((await passRate(tasksOf(family), dir)).rate).toBe(1);
  });

  it("repairs an orphaned reference the read-back checks find", async () => {
    const dir = await copySeed();
    await mkdir(join(dir, "references"), { recursive: true });
    await writeFile(join(dir, "references", "extra.md"), "# Extra\n");
    const outcome = await patch(dir, {
      diagnoses: await diagnose(await failureItems(tasksOf(learnable[0]?.id as string).slice(0, 1))),
    });
    expect(outcome.repairRounds).toBe(1);
    expect((await loadSkill(dir)).body).toContain("Read references/extra.md");
  });

  it("keeps to the edit budget, pointing the body to every new reference it writes", async () => {
    const dir = await copySeed();
    const diagnoses: Diagnosis[] = [];
    for (const family of learnable)
      diagnoses.push(...(await diagnose(await failureItems(tasksOf(family.id).slice(0, 1)))));
    const outcome = await patch(dir, { diagnoses }, {}, 3);
    expect(outcome.applied).toHaveLength(3);
    expect(outcome.applied.at(-1)?.anchor).toBe("section:references");
    expect(outcome.notes).toMatch(/left for later \(edit budget\)/);
  });
});
