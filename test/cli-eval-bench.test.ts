import { readdirSync, readFileSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { tempDir } from "./helpers/files.js";
import { REPO } from "./helpers/paths.js";

const WTQ_EXAMPLES = join(REPO, "examples", "wtq");
const SSB_EXAMPLES = join(REPO, "examples", "spreadsheetbench");

function jsonLines<T>(path: string): T[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

interface Result {
  taskId: string;
  pass: boolean;
  feedback: string;
  outcome: string;
}

describe("skillgrad eval --bench (sim is an offline simulation: it cannot solve these, so pass rate 0)", () => {
  it("runs WTQ on the shipped examples with the seed skill and the benchmark's grader", async () => {
    const runs = await tempDir();
    const result = await runCli(["eval", "--bench", "wtq", "--model", "sim", "--runs-dir", runs, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /no --skill given: using the wtq seed skill .*examples\/wtq\/skills\/table-questions/,
    );
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      tasks: 60,
      runs: 60,
      passes: 0,
      passRate: 0,
      skill: { name: "table-questions" },
    });
    const results = jsonLines<Result>(join(summary.runDir, "results.jsonl"));
    expect(results).toHaveLength(60);
    const questions = jsonLines<{ id: string; answers: string[] }>(
      join(WTQ_EXAMPLES, "questions", "unseen.jsonl"),
    );
    expect(new Set(results.map((r) => r.taskId))).toEqual(new Set(questions.map((q) => q.id)));
    for (const r of results) {
      expect(r.outcome).toBe("answered");
      const gold = questions.find((q) => q.id === r.taskId)?.answers ?? [];
      const expected = `expected [${gold.map((value) => JSON.stringify(value)).join(", ")}]`;
      expect(r.feedback.startsWith(expected), r.feedback).toBe(true);
    }
    expect(readdirSync(join(summary.runDir, "trajectories"))).toHaveLength(60);
    const first = results[0]?.taskId ?? "";
    const trajectory = JSON.parse(
      readFileSync(join(summary.runDir, "trajectories", `${first}.r0.json`), "utf8"),
    );
    expect(trajectory.prompt).toContain("table.csv");
    const config = JSON.parse(readFileSync(join(summary.runDir, "config.json"), "utf8"));
    expect(config.bench).toEqual({ name: "wtq", data: null });
    expect(config.tasks).toBeUndefined();
  });

  it("runs SpreadsheetBench on the shipped examples; a task with no output.xlsx fails with that reason", async () => {
    const runs = await tempDir();
    const result = await runCli([
      "eval",
      "--bench",
      "spreadsheetbench",
      "--model",
      "sim",
      "--runs-dir",
      runs,
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ tasks: 10, runs: 10, passRate: 0, skill: { name: "xlsx-editing" } });
    const results = jsonLines<Result>(join(summary.runDir, "results.jsonl"));
    expect(results).toHaveLength(10);
    for (const r of results) expect(r.feedback).toMatch(/^output\.xlsx was not written/);
    const summaryFile = JSON.parse(readFileSync(join(summary.runDir, "summary.json"), "utf8"));
    expect(summaryFile.passRate).toBe(0);
  });

  it("restricts a benchmark to one set of a split with --split NAME#SET, and --no-skill runs the baseline", async () => {
    const runs = await tempDir();
    const result = await runCli([
      "eval",
      "--bench",
      "wtq",
      "--split",
      "paper#test",
      "--no-skill",
      "--model",
      "sim",
      "--runs-dir",
      runs,
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    const manifest = JSON.parse(readFileSync(join(WTQ_EXAMPLES, "splits", "paper.json"), "utf8"));
    expect(summary).toMatchObject({ tasks: manifest.sets.test.length, skill: null });
    const ids = jsonLines<Result>(join(summary.runDir, "results.jsonl")).map((r) => r.taskId);
    expect(ids.sort()).toEqual([...manifest.sets.test].sort());
    const config = JSON.parse(readFileSync(join(summary.runDir, "config.json"), "utf8"));
    expect(config.split).toMatchObject({ set: "test", manifest: join(WTQ_EXAMPLES, "splits", "paper.json") });
  });

  it("needs exactly one of --tasks and --bench, and a set in --split", async () => {
    const both = await runCli(["eval", "--bench", "wtq", "--tasks", "x.jsonl", "--model", "sim"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/exactly one of --tasks FILE .* and --bench NAME/);
    const neither = await runCli(["eval", "--skill", "x", "--model", "sim"]);
    expect(neither.code).toBe(2);
    const noSet = await runCli(["eval", "--bench", "wtq", "--split", "paper", "--model", "sim"]);
    expect(noSet.code).toBe(2);
    expect(noSet.stderr).toMatch(/NAME#SET or FILE#SET/);
    const unknown = await runCli(["eval", "--bench", "nope", "--model", "sim"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown benchmark "nope": choose one of .*spreadsheetbench.*wtq/);
  });
});

describe("the grade commands on the shipped examples", () => {
  it("grade wtq gives full accuracy for the gold answers and counts a wrong one", async () => {
    const dir = await tempDir();
    const questions = jsonLines<{ id: string; answers: string[] }>(
      join(WTQ_EXAMPLES, "questions", "unseen.jsonl"),
    );
    const lines = questions.map((q) => [q.id, ...q.answers].join("\t"));
    await writeFile(join(dir, "gold.tsv"), `${lines.join("\n")}\n`);
    const gold = await runCli([
      "grade",
      "wtq",
      "--data",
      WTQ_EXAMPLES,
      "--predictions",
      join(dir, "gold.tsv"),
    ]);
    expect(gold.code, gold.stderr).toBe(0);
    expect(gold.stdout).toBe(`accuracy: 1.0000 (${questions.length}/${questions.length})\n`);
    lines[0] = `${questions[0]?.id}\tcertainly not the answer`;
    await writeFile(join(dir, "one-wrong.tsv"), `${lines.join("\n")}\n`);
    const oneWrong = await runCli([
      "grade",
      "wtq",
      "--data",
      WTQ_EXAMPLES,
      "--predictions",
      join(dir, "one-wrong.tsv"),
    ]);
    expect(oneWrong.stdout).toBe(
      `accuracy: ${((questions.length - 1) / questions.length).toFixed(4)} (${questions.length - 1}/${questions.length})\n`,
    );
  });

  it("grade spreadsheetbench passes copies of the answer workbooks for every test case", async () => {
    const outputs = await tempDir();
    await mkdir(outputs, { recursive: true });
    const dataset = JSON.parse(readFileSync(join(SSB_EXAMPLES, "dataset.json"), "utf8")) as {
      id: string | number;
    }[];
    for (const { id } of dataset) {
      for (const n of [1, 2, 3]) {
        await copyFile(
          join(SSB_EXAMPLES, "spreadsheet", String(id), `${n}_${id}_answer.xlsx`),
          join(outputs, `${n}_${id}_output.xlsx`),
        );
      }
    }
    const result = await runCli(["grade", "spreadsheetbench", "--data", SSB_EXAMPLES, "--outputs", outputs]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`hard: 1.0000 (${dataset.length}/${dataset.length})  soft: 1.0000`);
  });
});
