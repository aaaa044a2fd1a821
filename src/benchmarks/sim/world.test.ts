import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../../../test/helpers/paths.js";
import { answerQuestion, parseQuestion, sameAnswer } from "../../sim/library/question.js";
import { tableOf } from "../../sim/library/read.js";
import { formatRule } from "../../sim/library/rules.js";
import { generateSimWorld, simTaskLine, worldKey, wrongRule } from "./world.js";

const example = join(REPO, "examples", "sim-world");

describe("the sim world generator (a simulation)", () => {
  it("the committed example world is exactly what the generator writes by default", () => {
    const world = generateSimWorld();
    expect(readFileSync(join(example, "tasks.jsonl"), "utf8")).toBe(
      `${world.tasks.map(simTaskLine).join("\n")}\n`,
    );
    for (const task of world.tasks)
      expect(readFileSync(join(example, task.file.path), "utf8")).toBe(task.file.csv);
    expect(JSON.parse(readFileSync(join(example, "world.json"), "utf8"))).toEqual(worldKey(world));
    for (const [path, text] of Object.entries(world.seedSkill))
      expect(readFileSync(join(example, "skills", "csv-analyst", path), "utf8")).toBe(text);
  });

  it("every task needs each rule of its family: without any one, or stated wrongly, the answer is wrong", () => {
    const world = generateSimWorld();
    for (const task of world.tasks) {
      const family = world.families.find((f) => f.id === task.family);
      if (!family) throw new Error(task.family);
      const question = parseQuestion(task.prompt);
      if (!question) throw new Error(`unreadable question: ${task.prompt}`);
      const table = tableOf(task.file.csv);
      const answer = (rules: typeof family.needs) => answerQuestion(question, table, rules) ?? "";
      expect(sameAnswer(answer(family.needs), task.expected), task.id).toBe(true);
      if (family.needs.length === 0) continue;
      expect(sameAnswer(answer([]), task.expected), task.id).toBe(false);
      for (const rule of family.needs) {
        const without = family.needs.filter((other) => other !== rule);
        expect(sameAnswer(answer(without), task.expected), `${task.id} without ${formatRule(rule)}`).toBe(
          false,
        );
      }
      const wrong = family.needs.map((rule) => wrongRule(rule, family));
      expect(sameAnswer(answer(wrong), task.expected), `${task.id} wrong rules`).toBe(false);
    }
  });

  it("takes a family count; distractor families need no rule; the first family needs one (the seed states it)", () => {
    const world = generateSimWorld({ seed: 11, families: 8, distractors: 2, perFamily: 3 });
    expect(world.families).toHaveLength(8);
    expect(world.tasks).toHaveLength(24);
    expect(world.families.filter((f) => f.needs.length === 0)).toHaveLength(2);
    expect(world.families[0]?.needs).toHaveLength(1);
    expect(world.seedSkill["SKILL.md"]).toContain(formatRule(world.families[0]?.needs[0] as never));
    for (const family of world.families.slice(1)) {
      for (const rule of family.needs) expect(world.seedSkill["SKILL.md"]).not.toContain(formatRule(rule));
    }
  });

  it("is seeded: the same seed gives the same world; other seeds differ in operations and columns", () => {
    expect(generateSimWorld({ seed: 3 })).toEqual(generateSimWorld({ seed: 3 }));
    const signature = (seed: number) =>
      generateSimWorld({ seed, perFamily: 1 }).families.map((f) => [f.file, f.needs.map(formatRule)]);
    const seeds = [1, 2, 3, 4, 5].map(signature);
    expect(new Set(seeds.map((s) => JSON.stringify(s))).size).toBe(5);
    const ruleSets = seeds.map((s) => JSON.stringify(s.flatMap(([, rules]) => rules)));
    expect(new Set(ruleSets).size).toBe(5);
  });
});
