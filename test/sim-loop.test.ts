import { readdirSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ModelHub } from "../src/models/index.js";
import type { OptimizeSettings } from "../src/optimizer/loop.js";
import { DEFAULT_SETTINGS, runOptimize, splitTasks } from "../src/optimizer/optimize.js";
import { createRunFolder } from "../src/runs/run-folder.js";
import "../src/sim/index.js";
import { makeSplit, parseSplitSpec } from "../src/tasks/split.js";
import { exampleWorld, freshWorld, type WorldOnDisk } from "./helpers/sim-world.js";

/** The whole loop on sim worlds (a simulation): what it learns must come from the evidence. */

async function optimize(
  world: WorldOnDisk,
  options: { withholdEvidence?: boolean; settings?: Partial<OptimizeSettings> } = {},
) {
  const runs = await mkdtemp(join(tmpdir(), "sg-simloop-"));
  const folder = await createRunFolder(runs, "optimize", { test: true });
  const spec = "ratio:pool=0.5,validation=0.1,test=0.4";
  const manifest = makeSplit(
    world.tasks.map((t) => t.id),
    { spec: parseSplitSpec(spec), specText: spec, seed: 0, benchmark: "sim" },
  );
  const model = "sim:noise=0.1";
  const hub = new ModelHub({
    roles: { executor: model, diagnoser: model, momentum: model, patcher: model, judge: model },
    ledgerPath: folder.ledger,
  });
  const summary = await runOptimize({
    folder,
    hub,
    executorModel: model,
    seedSkillDir: world.seedSkill,
    split: splitTasks(world.tasks, manifest),
    settings: { ...DEFAULT_SETTINGS, sandbox: "none", ...options.settings },
    ...(options.withholdEvidence ? { withholdEvidence: true } : {}),
  });
  return { summary, folder };
}

describe("the optimize loop on sim worlds (a simulation)", () => {
  it("(c) with the grader's feedback and the trajectories withheld from the diagnoser, ends at the seed's pass rate", async () => {
    const world = await exampleWorld();
    const withheld = await optimize(world, { withholdEvidence: true });
    expect(withheld.summary.iterations).toBeGreaterThan(0);
    expect(withheld.summary.final.test?.passRate).toBe(withheld.summary.seed.test?.passRate);
    expect(withheld.summary.final.version).toBe("v000");
    expect(readdirSync(join(withheld.folder.dir, "skills"))).toEqual(["v000"]);
    // the same run with the evidence learns
    const full = await optimize(world);
    expect(full.summary.final.test?.passRate).toBeGreaterThan((full.summary.seed.test?.passRate ?? 1) + 0.2);
  });

  it("(d) on a freshly generated world (another seed, other families) raises the test pass rate", async () => {
    const world = await freshWorld({ seed: 2024, families: 5, perFamily: 12 });
    const example = await exampleWorld();
    expect(world.families.map((f) => f.file)).not.toEqual(example.families.map((f) => f.file));
    const { summary } = await optimize(world);
    expect(summary.final.test?.passRate).toBeGreaterThan((summary.seed.test?.passRate ?? 1) + 0.2);
  });
});
