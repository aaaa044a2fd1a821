import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateSimWorld } from "../src/benchmarks/sim/world.js";
import { ModelHub } from "../src/models/index.js";
import { DEFAULT_SETTINGS, runOptimize, splitTasks } from "../src/optimizer/optimize.js";
import { PROMPTS, roleLine } from "../src/optimizer/prompts.js";
import type { OptimizeSettings } from "../src/optimizer/types.js";
import { createRunFolder } from "../src/runs/run-folder.js";
import { createSimModel } from "../src/sim/index.js";
import { loadTasks } from "../src/tasks/load.js";
import { makeSplit, parseSplitSpec } from "../src/tasks/split.js";
import { REPO } from "./helpers/paths.js";
import { type ScriptedCall, scriptedModel } from "./helpers/scripted-model.js";

const world = join(REPO, "examples", "sim-world");
const SCRIPTED = "openai-compatible:http://127.0.0.1:9/v1#scripted";

const diagnosis = JSON.stringify({
  label: "Domain rule not applied",
  kind: "operation",
  whatHappened: "the answer ignored a convention of the data",
  cause: "the agent computed directly after reading the file",
  correctApproach: "apply the data's conventions before computing",
  skippedStep: "checking the conventions",
});
const emptyMomentum = JSON.stringify({ memory: { patterns: [] }, overlay: { entries: [], themes: [] } });

import { formatRule } from "../src/sim/library/rules.js";

/** Every family's conventions in the sim's rule syntax (from the example world's answer key). */
const allRules = generateSimWorld()
  .families.flatMap((family) => family.needs.map(formatRule))
  .join("\n");

type Edit = Record<string, unknown>;
function patcherReply(edits: Array<{ anchor: string; edit: Edit }>): string {
  return JSON.stringify({
    edits: edits.map((e) => ({ pattern: "domain-rule", why: "test", ...e })),
    notes: "scripted",
  });
}

function roleOf(call: ScriptedCall): "diagnose" | "momentum" | "patch" | "other" {
  if (
    call.system.startsWith(roleLine(PROMPTS.diagnoseFailure)) ||
    call.system.startsWith(roleLine(PROMPTS.diagnoseContrastive))
  )
    return "diagnose";
  if (call.system.startsWith(roleLine(PROMPTS.momentum))) return "momentum";
  if (call.system.startsWith(roleLine(PROMPTS.patch))) return "patch";
  return "other";
}

interface Script {
  diagnose?: (call: ScriptedCall, n: number) => string;
  momentum?: (call: ScriptedCall, n: number) => string;
  patch: (call: ScriptedCall, n: number) => string;
}

async function optimizeWith(
  script: Script,
  settings: Partial<OptimizeSettings>,
  budget?: { maxCalls?: number },
) {
  const runs = await mkdtemp(join(tmpdir(), "sg-opt-"));
  const folder = await createRunFolder(runs, "optimize", { test: true });
  const tasks = await loadTasks(join(world, "tasks.jsonl"));
  const spec = "ratio:pool=0.4,validation=0.3,test=0.3";
  const manifest = makeSplit(
    tasks.map((t) => t.id),
    { spec: parseSplitSpec(spec), specText: spec, seed: 0, benchmark: "sim" },
  );
  const counters = { diagnose: 0, momentum: 0, patch: 0 };
  const optimizer = scriptedModel((call) => {
    const role = roleOf(call);
    if (role === "diagnose") return (script.diagnose ?? (() => diagnosis))(call, counters.diagnose++);
    if (role === "momentum") return (script.momentum ?? (() => emptyMomentum))(call, counters.momentum++);
    if (role === "patch") return script.patch(call, counters.patch++);
    return "unexpected role";
  });
  const hub = new ModelHub({
    roles: { executor: "sim", diagnoser: SCRIPTED, momentum: SCRIPTED, patcher: SCRIPTED, judge: "sim" },
    createModel: (modelSpec) => (modelSpec.provider === "sim" ? createSimModel() : optimizer),
    ledgerPath: folder.ledger,
    ...(budget ? { budget } : {}),
  });
  const summary = await runOptimize({
    folder,
    hub,
    executorModel: "sim",
    seedSkillDir: join(world, "skills", "csv-analyst"),
    split: splitTasks(tasks, manifest),
    settings: { ...DEFAULT_SETTINGS, sandbox: "none", trainSize: 8, batchSize: 4, ...settings },
  });
  return { summary, folder, optimizer };
}

const readJson = async (path: string) => JSON.parse(await readFile(path, "utf8"));

describe("optimizer stages (sim executor, scripted optimizer model)", () => {
  it("a helpful patch is accepted by a strict gate and raises validation and test scores", async () => {
    const { summary, folder } = await optimizeWith(
      {
        patch: () =>
          patcherReply([
            { anchor: "section:rules", edit: { op: "insert_section", heading: "Rules", content: allRules } },
          ]),
      },
      { gate: "strict", maxIterations: 1 },
    );
    const gate = await readJson(join(folder.dir, "iterations", "001", "gate.json"));
    expect(gate).toMatchObject({ accepted: true, gate: "strict" });
    expect(gate.score).toBeGreaterThan(gate.currentScore);
    expect(summary.best.version).toBe("v001");
    expect(summary.best.test?.passRate).toBe(1);
    expect(summary.seed.test?.passRate).toBeLessThan(0.5);
    expect(existsSync(join(folder.dir, "skills", "v001", "csv-analyst", "SKILL.md"))).toBe(true);
  });

  it("a harmful patch is rejected by the gate, rolled back, and shown to the next patcher as rejected", async () => {
    const { summary, folder, optimizer } = await optimizeWith(
      {
        patch: () =>
          patcherReply([
            { anchor: "section:conventions", edit: { op: "delete_section", slug: "conventions" } },
          ]),
      },
      { gate: "nonneg", maxIterations: 2, trainFrom: "all" },
    );
    const gate = await readJson(join(folder.dir, "iterations", "001", "gate.json"));
    expect(gate.currentScore).toBeGreaterThan(gate.score); // precondition: the patch really hurts
    expect(gate.accepted).toBe(false);
    expect(existsSync(join(folder.dir, "skills", "v001"))).toBe(false);
    expect(
      existsSync(join(folder.dir, "iterations", "001", "rejected-skill", "csv-analyst", "SKILL.md")),
    ).toBe(true);
    expect(summary.final.version).toBe("v000");
    const patchCalls = optimizer.calls.filter((call) => roleOf(call) === "patch");
    expect(patchCalls.length).toBeGreaterThanOrEqual(2);
    expect(patchCalls[1]?.user).toContain("the gate (nonneg) rejected this version");
  });

  it("refuses edits that leave the skill, delete SKILL.md or write binary into it, and goes on", async () => {
    const { folder, summary } = await optimizeWith(
      {
        patch: () =>
          patcherReply([
            {
              anchor: "references/escape.md",
              edit: { op: "write_file", path: "../../escape.md", content: "x" },
            },
            { anchor: "section:workflow", edit: { op: "delete_file", path: "SKILL.md" } },
            {
              anchor: "section:conventions",
              edit: { op: "write_file", path: "SKILL.md", content: "---\nname: csv-analyst\n\u0000" },
            },
          ]),
      },
      { maxIterations: 1 },
    );
    const patch = await readJson(join(folder.dir, "iterations", "001", "patch.json"));
    expect(patch.outcome.applied).toEqual([]);
    expect(patch.outcome.refused).toHaveLength(3);
    expect(patch.version).toBeNull();
    expect(existsSync(join(folder.dir, "..", "escape.md"))).toBe(false);
    expect(summary.status).toBe("done");
    expect(await readFile(join(folder.dir, "skills", "v000", "csv-analyst", "SKILL.md"), "utf8")).toContain(
      "name: csv-analyst",
    );
  });

  it("rolls back a patch whose read-back checks still fail after the repair rounds", async () => {
    const { folder } = await optimizeWith(
      {
        patch: () =>
          patcherReply([
            {
              anchor: "references/orphan.md",
              edit: { op: "create_reference", name: "orphan.md", content: "nobody points here" },
            },
          ]),
      },
      { maxIterations: 1, repairRounds: 2 },
    );
    const patch = await readJson(join(folder.dir, "iterations", "001", "patch.json"));
    expect(patch.outcome.rolledBack).toBe(true);
    expect(patch.outcome.repairRounds).toBe(2);
    expect(patch.outcome.problems.map((p: { code: string }) => p.code)).toContain("orphan-reference");
    expect(patch.version).toBeNull();
    expect(await readdir(join(folder.dir, "skills"))).toEqual(["v000"]);
  });

  it("records a diagnosis as missing when the reply never fits the schema, after one retry", async () => {
    const { folder, optimizer } = await optimizeWith(
      { diagnose: () => '{"label": "x"}', patch: () => patcherReply([]) },
      { maxIterations: 1 },
    );
    const diagnoses = await readJson(join(folder.dir, "iterations", "001", "diagnoses.json"));
    expect(diagnoses.length).toBeGreaterThan(0);
    for (const d of diagnoses) expect(d.missing).toContain("does not fit the schema");
    const retries = optimizer.calls.filter((call) => call.user.includes("That reply cannot be used"));
    expect(retries.length).toBe(diagnoses.length);
  });

  it("stops cleanly at the call budget with everything saved and the best version so far", async () => {
    const { summary, folder } = await optimizeWith(
      {
        patch: () =>
          patcherReply([
            { anchor: "section:rules", edit: { op: "insert_section", heading: "Rules", content: allRules } },
          ]),
      },
      { maxIterations: 3 },
      { maxCalls: 120 },
    );
    expect(summary.status).toBe("stopped");
    expect(summary.stoppedBy).toBe("budget");
    expect(summary.calls).toBeLessThanOrEqual(120);
    expect(summary.testNote).toContain("budget");
    const state = await readJson(folder.state);
    expect(state.status).toBe("stopped");
    expect(existsSync(join(folder.dir, "summary.json"))).toBe(true);
    expect(existsSync(join(summary.bestSkillDir, "SKILL.md"))).toBe(true);
  });
});

/** Two patterns anchored at the same section, as a scripted momentum keeper returns them. */
const sharedAnchorMomentum = JSON.stringify({
  memory: {
    patterns: ["domain-rule", "other-rule"].map((slug) => ({
      slug,
      kind: "workflow",
      anchor: "section:workflow",
      description: `${slug} guidance`,
      appearances: [],
      latestBehaviour: "",
      action: "",
      remedies: [],
    })),
  },
  overlay: { entries: [], themes: [] },
});

/** An edit that changes the words of the workflow but nothing the sim agent acts on. */
const neutralWorkflowEdit = (n: number) =>
  patcherReply([
    {
      anchor: "section:workflow",
      edit: {
        op: "replace_section",
        slug: "workflow",
        content: `\n1. Open the CSV file named in the task (pass ${n}).\n2. Apply the conventions below, and those of any reference this skill points you to, before computing.\n3. Reply with the value only.\n`,
      },
    },
  ]);

describe("the remedy log (item 5)", () => {
  it("records no remedy for a patch a strict gate rejects", async () => {
    const { folder } = await optimizeWith(
      { momentum: () => sharedAnchorMomentum, patch: (_call, n) => neutralWorkflowEdit(n) },
      { gate: "strict", maxIterations: 3, trainSize: 12 },
    );
    for (const iteration of ["001", "002", "003"]) {
      const gate = await readJson(join(folder.dir, "iterations", iteration, "gate.json"));
      expect(gate.accepted, iteration).toBe(false); // equal validation: strict rejects
    }
    const state = await readJson(folder.state);
    expect(state.memory.patterns.map((p: { remedies: unknown[] }) => p.remedies)).toEqual([[], []]);
    expect(state.patches).toEqual([]);
  });

  it("credits an accepted edit only to the pattern it served, not to every pattern at its anchor", async () => {
    const { folder } = await optimizeWith(
      { momentum: () => sharedAnchorMomentum, patch: (_call, n) => neutralWorkflowEdit(n) },
      { gate: "none", maxIterations: 3, trainSize: 12 },
    );
    const state = await readJson(folder.state);
    const remedies = Object.fromEntries(
      state.memory.patterns.map((p: { slug: string; remedies: Array<{ iteration: number }> }) => [
        p.slug,
        p.remedies.map((r) => r.iteration),
      ]),
    );
    expect(remedies).toEqual({ "domain-rule": [1, 2, 3], "other-rule": [] });
  });
});

describe("the optimizer's structure (item 9)", () => {
  const source = (path: string) => readFileSync(join(REPO, "src", path), "utf8");
  const imports = (path: string) => [...source(path).matchAll(/from "([^"]+)"/g)].map((m) => m[1] as string);

  it("has one module per stage, each (context, input) → record", () => {
    for (const stage of ["execute", "diagnose", "momentum", "patch", "gate"])
      expect(existsSync(join(REPO, "src", "optimizer", "stages", `${stage}.ts`)), stage).toBe(true);
    expect(source("optimizer/stages/execute.ts")).toMatch(
      /export async function executeStage\(ctx: StageContext, input: /,
    );
    expect(source("optimizer/stages/gate.ts")).toMatch(
      /export async function gateStage\(\s*ctx: StageContext,\s*input: /,
    );
  });

  it("keeps Gate, OptimizeInput and OptimizeSettings in one types module that imports no optimizer module", () => {
    expect(imports("optimizer/types.ts").filter((from) => from.startsWith("./"))).toEqual([]);
    expect(imports("optimizer/gate.ts")).toEqual(["./types.js"]);
    expect(imports("optimizer/evaluate-version.ts").some((from) => from.includes("loop"))).toBe(false);
  });

  it("has one typed union of run events, used by the loop, live progress and the report", () => {
    expect(source("runs/events.ts")).toMatch(/export type RunEvent =/);
    expect(imports("optimizer/loop.ts")).toContain("../runs/events.js");
    expect(imports("runs/progress.ts")).toContain("./events.js");
    expect(imports("runs/report/load.ts")).toContain("../events.js");
  });

  it("keeps the sim out of src/models: models depends only on the SDK and its own files", () => {
    const dir = join(REPO, "src", "models");
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter(
      (file) => file.endsWith(".ts") && !file.endsWith(".test.ts"),
    );
    for (const file of files) {
      for (const from of imports(join("models", file))) expect(from, file).not.toMatch(/sim/);
    }
  });
});
