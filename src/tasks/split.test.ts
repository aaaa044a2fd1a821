import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SkillgradError, UsageError } from "../errors.js";
import {
  loadSplit,
  makeSplit,
  parseSplitRef,
  parseSplitSpec,
  type SplitManifest,
  saveSplit,
  selectSplit,
} from "./split.js";
import type { Task } from "./types.js";

const ids = (n: number, prefix = "t") => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

function paper(n: number, seed = 7): SplitManifest {
  return makeSplit(ids(n), {
    spec: parseSplitSpec("paper"),
    specText: "paper",
    seed,
    benchmark: "spreadsheetbench",
  });
}

function allIds(manifest: SplitManifest): string[] {
  return Object.values(manifest.sets).flatMap((set) => set ?? []);
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "sg-split-"));
}

describe("the paper split", () => {
  it("splits 400 ids into a pool of 200, 20 validation and 180 test, with the protocol parameters", () => {
    const manifest = paper(400);
    expect(manifest.sets.pool).toHaveLength(200);
    expect(manifest.sets.validation).toHaveLength(20);
    expect(manifest.sets.test).toHaveLength(180);
    expect(manifest.params).toEqual({ trainSize: 40, batchSize: 4 });
    expect(manifest.notes).toEqual([]);
    expect(new Set(allIds(manifest)).size).toBe(400);
  });

  it("is the same for the same seed whatever the input order, and differs for another seed", () => {
    const forward = makeSplit(ids(400), {
      spec: { kind: "paper" },
      specText: "paper",
      seed: 3,
      benchmark: "x",
    });
    const backward = makeSplit(ids(400).reverse(), {
      spec: { kind: "paper" },
      specText: "paper",
      seed: 3,
      benchmark: "x",
    });
    expect(backward).toEqual(forward);
    const other = makeSplit(ids(400), {
      spec: { kind: "paper" },
      specText: "paper",
      seed: 4,
      benchmark: "x",
    });
    expect(other.sets.test).not.toEqual(forward.sets.test);
  });

  it("keeps a fixed result for a fixed seed (a change here breaks reproducibility of saved splits)", () => {
    const manifest = paper(10, 42);
    expect(manifest.sets).toMatchInlineSnapshot(`
      {
        "pool": [
          "t-1",
          "t-4",
          "t-6",
          "t-8",
          "t-9",
        ],
        "test": [
          "t-2",
          "t-3",
          "t-5",
          "t-7",
        ],
        "validation": [
          "t-0",
        ],
      }
    `);
  });

  it("scales a smaller dataset proportionally and says so", () => {
    const manifest = paper(60);
    expect(manifest.sets.pool).toHaveLength(30);
    expect(manifest.sets.validation).toHaveLength(3);
    expect(manifest.sets.test).toHaveLength(27);
    expect(manifest.params).toEqual({ trainSize: 6, batchSize: 4 });
    expect(manifest.notes.join(" ")).toMatch(/scaled proportionally.*60 ids/);
  });

  it("samples 400 ids from a larger dataset and says so", () => {
    const manifest = paper(1000);
    expect(allIds(manifest)).toHaveLength(400);
    expect(manifest.sourceIds).toBe(1000);
    expect(manifest.notes.join(" ")).toMatch(/sampled 400 of 1000/);
  });

  it("refuses fewer than 3 ids", () => {
    expect(() => paper(2)).toThrow(SkillgradError);
  });

  it("is two-staged: the master seed splits pool from held-out, the held-out seed splits validation from test", () => {
    const split = (seed: number, heldOutSeed?: number) =>
      makeSplit(ids(400), {
        spec: { kind: "paper", ...(heldOutSeed === undefined ? {} : { heldOutSeed }) },
        specText: "paper",
        seed,
        benchmark: "x",
      });
    const once = split(5, 11);
    // the same seeds give the same ids, every time
    expect(split(5, 11)).toEqual(once);
    expect(once.seeds).toEqual({ master: 5, heldOut: 11 });
    expect(split(5).seeds).toEqual({ master: 5, heldOut: 5 });
    // another held-out seed: the same pool, other validation and test ids
    const otherHeldOut = split(5, 12);
    expect(otherHeldOut.sets.pool).toEqual(once.sets.pool);
    expect(otherHeldOut.sets.validation).not.toEqual(once.sets.validation);
    expect([...(otherHeldOut.sets.validation ?? []), ...(otherHeldOut.sets.test ?? [])].sort()).toEqual(
      [...(once.sets.validation ?? []), ...(once.sets.test ?? [])].sort(),
    );
    // another master seed: another pool
    expect(split(6, 11).sets.pool).not.toEqual(once.sets.pool);
  });

  it("counts only tasks with all their test cases, and says how many it left out", () => {
    const manifest = makeSplit(ids(60), {
      spec: { kind: "paper" },
      specText: "paper",
      seed: 1,
      benchmark: "x",
      incomplete: ["t-3", "t-7"],
    });
    expect(allIds(manifest)).toHaveLength(58);
    expect(allIds(manifest)).not.toContain("t-3");
    expect(manifest.notes[0]).toBe("2 task(s) lack some of their test cases and do not count");
  });
});

describe("ratio splits", () => {
  it("gives each set its share, all ids once, disjoint", () => {
    const spec = parseSplitSpec("ratio:train=0.5,val=0.2,test=0.3");
    const manifest = makeSplit(ids(101), { spec, specText: "ratio", seed: 1, benchmark: "wtq" });
    expect(manifest.sets.train).toHaveLength(51);
    expect(manifest.sets.validation).toHaveLength(20);
    expect(manifest.sets.test).toHaveLength(30);
    expect(new Set(allIds(manifest)).size).toBe(101);
    expect(manifest.params).toBeUndefined();
  });

  it("rejects specs that are not understood, with a usage error", () => {
    expect(() => parseSplitSpec("ratio:train=0.5,test=0.4")).toThrow(/add up to 0.9/);
    expect(() => parseSplitSpec("ratio:train=0.5,banana=0.5")).toThrow(UsageError);
    expect(() => parseSplitSpec("ratio:train=0.5,train=0.5")).toThrow(/twice/);
    expect(() => parseSplitSpec("halves")).toThrow(/use paper, paper:heldout-seed=N or ratio:/);
    expect(() => parseSplitSpec("paper:seed=x")).toThrow(/paper:heldout-seed=N/);
    expect(parseSplitSpec("paper:heldout-seed=9")).toEqual({ kind: "paper", heldOutSeed: 9 });
  });
});

describe("manifests", () => {
  it("round-trip through a file", async () => {
    const dir = await tempDir();
    const manifest = paper(50);
    await saveSplit(join(dir, "paper.json"), manifest);
    expect(await loadSplit(join(dir, "paper.json"))).toEqual(manifest);
  });

  it("are rejected when an id is in two sets or a field is wrong", async () => {
    const dir = await tempDir();
    const overlapping = { ...paper(10), sets: { pool: ["a", "b"], test: ["b"] } };
    await writeFile(join(dir, "bad.json"), JSON.stringify(overlapping));
    await expect(loadSplit(join(dir, "bad.json"))).rejects.toThrow(/"b" is in both pool and test/);
    await writeFile(join(dir, "worse.json"), JSON.stringify({ name: "x", sets: {} }));
    await expect(loadSplit(join(dir, "worse.json"))).rejects.toThrow(/worse.json: benchmark/);
  });
});

describe("selecting a set", () => {
  const tasks: Task[] = ids(60).map((id) => ({ id, prompt: `task ${id}`, files: [] }));

  it("finds a manifest by name under <data>/splits and keeps the set's tasks", async () => {
    const dir = await tempDir();
    const manifest = paper(60);
    await saveSplit(join(dir, "splits", "paper.json"), manifest);
    const selection = await selectSplit(tasks, "paper#val", {
      searchDirs: [dir],
      benchmark: "spreadsheetbench",
    });
    expect(selection.set).toBe("validation");
    expect(selection.tasks.map((task) => task.id)).toEqual(manifest.sets.validation);
    expect(selection.missing).toEqual([]);
  });

  it("reports ids the data lacks, and refuses a manifest of another benchmark", async () => {
    const dir = await tempDir();
    const path = join(dir, "mine.json");
    await saveSplit(path, { ...paper(60), sets: { test: ["t-1", "t-2", "gone"] } });
    const selection = await selectSplit(tasks, `${path}#test`, { searchDirs: [] });
    expect(selection.tasks.map((task) => task.id)).toEqual(["t-1", "t-2"]);
    expect(selection.missing).toEqual(["gone"]);
    await expect(selectSplit(tasks, `${path}#test`, { searchDirs: [], benchmark: "wtq" })).rejects.toThrow(
      /for benchmark spreadsheetbench, not wtq/,
    );
  });

  it("explains a reference without a set or with an unknown name", async () => {
    expect(() => parseSplitRef("paper")).toThrow(/NAME#SET/);
    expect(() => parseSplitRef("paper#everything")).toThrow(/unknown set/);
    await expect(selectSplit(tasks, "nosuch#test", { searchDirs: [await tempDir()] })).rejects.toThrow(
      /no split named "nosuch"/,
    );
  });
});
