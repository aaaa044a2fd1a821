import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ModelHub, readLedger } from "../src/models/index.js";
import { ROLE_TOOL } from "../src/optimizer/agent/skill-tools.js";
import { DEFAULT_SETTINGS, runOptimize, splitTasks } from "../src/optimizer/optimize.js";
import { LAYER_RULES } from "../src/optimizer/stages/patch.js";
import type { OptimizeSettings } from "../src/optimizer/types.js";
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

const json = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const toolsOf = (transcript: { steps: Array<{ toolCalls: Array<{ name: string }> }> }) =>
  transcript.steps.flatMap((step) => step.toolCalls.map((call) => call.name));

describe("the method's roles as bounded agents with tools (a simulation plays them)", async () => {
  const world = await exampleWorld();
  const { folder, summary } = await optimize(world);
  const iterations = readdirSync(join(folder.dir, "iterations")).sort();
  const agents = (iteration: string) => join(folder.dir, "iterations", iteration, "agents");

  it("(1) diagnoser, momentum keeper and patcher read with tools and end with a record; every call and tool call is kept", async () => {
    const first = agents("001");
    const names = readdirSync(first);
    const diagnoser = json(join(first, names.find((n) => n.startsWith("failure-")) as string));
    expect(toolsOf(diagnoser)).toEqual([
      ROLE_TOOL.readGraderOutput,
      ROLE_TOOL.readTrajectory,
      ROLE_TOOL.submitDiagnosis,
    ]);
    expect(diagnoser.record.label).toBeTruthy();
    const momentum = json(join(first, "momentum-001.json"));
    expect(toolsOf(momentum)).toContain(ROLE_TOOL.readSkillFile);
    expect(toolsOf(momentum).at(-1)).toBe(ROLE_TOOL.submitMomentum);
    const patcher = json(join(first, "patch-001.json"));
    expect(toolsOf(patcher)).toContain(ROLE_TOOL.applyEdit);
    expect(toolsOf(patcher).at(-1)).toBe(ROLE_TOOL.submitPatch);
    expect(patcher.turns).toBeLessThanOrEqual(patcher.maxTurns);
    // the ledger has every call, labelled with its session, and the tools each answer called
    const ledger = await readLedger(folder.ledger);
    const labelled = ledger.filter((line) => line.label === "patcher:patch-001");
    expect(labelled.length).toBe(patcher.turns);
    expect(labelled.flatMap((line) => line.toolCalls ?? [])).toEqual(toolsOf(patcher));
    expect(
      ledger.some((line) => line.role === "diagnoser" && line.toolCalls?.includes(ROLE_TOOL.readTrajectory)),
    ).toBe(true);
  });

  it("(1) turn limits are settings: a diagnoser with one turn cannot finish", async () => {
    const { folder: short } = await optimize(world, { settings: { diagnoserTurns: 1, maxIterations: 1 } });
    const diagnoses = json(join(short.dir, "iterations", "001", "diagnoses.json"));
    expect(diagnoses.length).toBeGreaterThan(0);
    for (const d of diagnoses) expect(d.missing).toMatch(/turn limit/);
  });

  it("(2) from the second iteration the patcher gets the raw diagnoses beside the overlay and the memory", () => {
    const patcher = json(join(agents("002"), "patch-002.json"));
    expect(patcher.user).toContain("### Diagnoses");
    expect(patcher.user).toContain("### Overlay");
    expect(patcher.user).toContain("### Pattern memory");
  });

  it("(3) a batch with no failure but contrastive successes still goes through diagnose, momentum and patch", () => {
    const clean = iterations.filter((it) => {
      const evaluation = json(join(folder.dir, "iterations", it, "execute", "evaluation.json"));
      return evaluation.results.every((r: { pass: boolean }) => r.pass);
    });
    expect(clean.length).toBeGreaterThan(0);
    const updated = clean.filter((it) => existsSync(join(folder.dir, "iterations", it, "patch.json")));
    expect(updated.length).toBeGreaterThan(0);
    for (const it of updated) {
      const diagnoses = json(join(folder.dir, "iterations", it, "diagnoses.json"));
      expect(diagnoses.every((d: { signal: string }) => d.signal === "success")).toBe(true);
      expect(existsSync(join(folder.dir, "iterations", it, "momentum.json"))).toBe(true);
    }
  });

  it("(4) momentum: a prescriptive action per pattern, prose changes in the overlay, a bootstrap that reads the patched skill", () => {
    const state = json(folder.state);
    expect(state.memory.patterns.length).toBeGreaterThan(0);
    for (const pattern of state.memory.patterns) expect(pattern.action).toMatch(/^Apply /);
    const second = json(join(folder.dir, "iterations", "002", "momentum.json"));
    for (const entry of second.overlay.entries.filter((e: { pattern: string }) => e.pattern !== "none"))
      expect(entry.change).not.toBe("");
    const boot = json(join(folder.dir, "iterations", "001", "momentum.json"));
    expect(boot.skillVersion).toBe("v001");
    // the bootstrap keeper read a reference the first patch created
    const momentum = json(join(agents("001"), "momentum-001.json"));
    const read = momentum.steps.flatMap((s: { toolCalls: Array<{ input: { path?: string } }> }) =>
      s.toolCalls.map((c) => c.input.path),
    );
    expect(read.some((path: string | undefined) => path?.startsWith("references/"))).toBe(true);
  });

  it("(6) the patcher's prompt states the layer rules, and it reviews its result against each", () => {
    const patcher = json(join(agents("001"), "patch-001.json"));
    for (const rule of LAYER_RULES) expect(patcher.system).toContain(rule);
    const patch = json(join(folder.dir, "iterations", "001", "patch.json"));
    expect(patch.outcome.review.map((r: { rule: string }) => r.rule)).toEqual([...LAYER_RULES]);
    expect(patch.outcome.options.length).toBeGreaterThanOrEqual(2);
    expect(patch.outcome.layerNotes).toEqual([]);
    expect(summary.final.test?.passRate).toBeGreaterThan(summary.seed.test?.passRate ?? 1);
  });

  it("(7) the base run has its own turn limit", async () => {
    const { folder: limited } = await optimize(world, { settings: { baseMaxTurns: 2, maxIterations: 1 } });
    const base = json(join(limited.dir, "base", "evaluation.json"));
    expect(base.results.every((r: { outcome: string }) => r.outcome === "max-turns")).toBe(true);
    const execute = json(join(limited.dir, "iterations", "001", "execute", "evaluation.json"));
    expect(execute.results.every((r: { outcome: string }) => r.outcome === "answered")).toBe(true);
  });
});
