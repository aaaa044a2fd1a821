import { describe, expect, it } from "vitest";
import { wrongRule } from "../src/benchmarks/sim/world.js";
import { formatRule } from "../src/sim/library/rules.js";
import { exampleWorld, passRate, SEED_SKILL, skillWith } from "./helpers/sim-world.js";

/** The sim model playing the executor (a simulation): it acts on the rules the skill text it read states. */

describe("the sim executor (a simulation)", async () => {
  const world = await exampleWorld();
  const tasksOf = (family: string) => world.tasks.filter((task) => task.meta?.family === family);
  const distractors = world.families.filter((f) => f.needs.length === 0).map((f) => f.id);
  const first = world.families[0]?.id as string;

  it("without a skill solves only the distractor families; the seed skill adds the family whose rule it states", async () => {
    expect(Object.keys((await passRate(world.tasks, undefined)).byFamily).sort()).toEqual(distractors);
    const seed = await passRate(world.tasks, SEED_SKILL);
    expect(Object.keys(seed.byFamily).sort()).toEqual([first, ...distractors].sort());
  });

  it("(a) a skill stating every family's rules wrongly, in the rule syntax, scores no better than the seed", async () => {
    const wrong = world.families.flatMap((f) => f.needs.map((rule) => formatRule(wrongRule(rule, f))));
    const skill = await skillWith(SEED_SKILL, ["## More conventions", "", ...wrong]);
    const seed = await passRate(world.tasks, SEED_SKILL);
    const scored = await passRate(world.tasks, skill);
    expect(scored.rate).toBeLessThanOrEqual(seed.rate);
    for (const family of world.families.filter((f) => f.needs.length > 0))
      expect(scored.byFamily[family.id]).toBeUndefined();
  });

  it("(b) the right rules in the syntax solve every task without noise, and near the noise ceiling with it", async () => {
    const right = world.families.flatMap((f) => f.needs.map(formatRule));
    const skill = await skillWith(SEED_SKILL, ["## More conventions", "", ...right]);
    expect((await passRate(world.tasks, skill)).rate).toBe(1);
    // noise 0.1: a rule is forgotten on about one task in ten that needs one
    const noisy = await passRate(world.tasks, skill, { noise: 0.1 });
    const needing = world.tasks.filter((t) => !distractors.includes(String(t.meta?.family))).length;
    const ceiling = 1 - (0.1 * needing) / world.tasks.length;
    expect(noisy.rate).toBeGreaterThanOrEqual(ceiling - 0.08);
    expect(noisy.rate).toBeLessThan(1);
    expect((await passRate(world.tasks, skill, { noise: 0.1 })).rate).toBe(noisy.rate); // seeded
  });

  it("the same rules in prose (not the syntax) have no effect", async () => {
    const family = world.families[1];
    if (!family) throw new Error("no second family");
    const prose = family.needs.map(
      (rule) => `Remember: ${rule.op.replace(/-/g, " ")} ${rule.arg} for ${rule.column ?? "all"}.`,
    );
    const skill = await skillWith(SEED_SKILL, ["## Tips", "", ...prose]);
    expect((await passRate(tasksOf(family.id), skill)).rate).toBe(0);
  });

  it("reads a reference when its pointer's condition fits the task, and not otherwise", async () => {
    const family = world.families[1];
    const other = world.families[2];
    if (!family || !other) throw new Error("too few families");
    const reference = `# Conventions\n\n${[...family.needs, ...other.needs].map(formatRule).join("\n")}\n`;
    const column = family.needs.find((rule) => rule.column)?.column ?? family.columns.value;
    const skill = await skillWith(
      SEED_SKILL,
      ["## References", "", `Read references/conventions.md when a question involves the ${column} column.`],
      { "references/conventions.md": reference },
    );
    expect((await passRate(tasksOf(family.id), skill)).rate).toBe(1);
    expect((await passRate(tasksOf(other.id), skill)).rate).toBe(0); // its columns are not in the condition
  });

  it("with noise, sometimes skips a reference whose pointer does not say when to read it", async () => {
    const family = world.families[1];
    if (!family) throw new Error("no second family");
    const skill = await skillWith(SEED_SKILL, ["## References", "", "See references/conventions.md."], {
      "references/conventions.md": `# Conventions\n\n${family.needs.map(formatRule).join("\n")}\n`,
    });
    expect((await passRate(tasksOf(family.id), skill)).rate).toBe(1);
    const noisy = (await passRate(tasksOf(family.id), skill, { noise: 0.5, seed: 3 })).rate;
    expect(noisy).toBeLessThan(1);
    expect(noisy).toBeGreaterThan(0);
  });
});
