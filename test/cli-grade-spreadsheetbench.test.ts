import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasLibreOffice } from "../src/benchmarks/spreadsheetbench/recalc.js";
import { runCli } from "./helpers/cli.js";
import { SHARED_DATA } from "./helpers/paths.js";

const DATA = join(SHARED_DATA, "spreadsheetbench");
const answer = (id: string, n: number) => join(DATA, "spreadsheet", id, `${n}_${id}_answer.xlsx`);
const inputFile = (id: string, n: number) => join(DATA, "spreadsheet", id, `${n}_${id}_input.xlsx`);
let root: string;
let outputs: string;

/** `skillgrad grade spreadsheetbench` of the shared data's tasks on an outputs folder; flags follow. */
const grade = (outputsDir: string, ...flags: string[]) =>
  runCli(["grade", "spreadsheetbench", "--data", DATA, "--outputs", outputsDir, ...flags]);

/** The --json lines: one object per task. */
const jsonLines = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "ssb-cli-"));
  outputs = join(root, "outputs");
  await mkdir(outputs);
  // 79-7: all three pass. 30468: one input copy (fails), one corrupt file, one missing.
  for (const n of [1, 2, 3]) await copyFile(answer("79-7", n), join(outputs, `${n}_79-7_output.xlsx`));
  await copyFile(inputFile("39490", 2), join(outputs, "2_39490_output.xlsx"));
  await writeFile(join(outputs, "1_39490_output.xlsx"), "PK\u0003\u0004 truncated");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("skillgrad grade spreadsheetbench", () => {
  it("prints one line per task and the hard and soft scores", async () => {
    const result = await grade(outputs, "--no-recalc");
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    // Tasks in dataset.json order.
    expect(lines[0]).toBe("PASS  79-7  3/3");
    expect(lines[1]).toMatch(/^FAIL {2}39490 {2}0\/3 {2}test case 1: output cannot read workbook/);
    expect(lines[1]).toContain("test case 2: Sheet1!E1: expected");
    expect(lines[1]).toContain("test case 3: no output file");
    expect(lines[2]).toBe("hard: 0.5000 (1/2)  soft: 0.5000");
  });

  it("prints one JSON object per task with --json, null for a missing output, unknown ids per task", async () => {
    const result = await grade(outputs, "--ids", "79-7,no-such-task,39490", "--json");
    expect(result.code).toBe(0);
    const objects = jsonLines(result.stdout);
    expect(objects.map((object) => object.id)).toEqual(["79-7", "no-such-task", "39490"]);
    expect(objects[0]).toEqual({ id: "79-7", testCases: [true, true, true], hard: 1, soft: 1, reasons: [] });
    expect(objects[1]).toMatchObject({
      testCases: [],
      hard: 0,
      soft: 0,
      reasons: [expect.stringMatching(/unknown task id/)],
    });
    expect(objects[2]).toMatchObject({ testCases: [false, false, null], hard: 0, soft: 0 });
    expect(result.stderr).toContain("hard: 0.3333 (1/3)  soft: 0.3333");
  });

  it("exits 1 with what it expected for a wrong --data folder or an outputs folder with no outputs", async () => {
    const wrongData = await runCli(["grade", "spreadsheetbench", "--data", root, "--outputs", outputs]);
    expect(wrongData.code).toBe(1);
    expect(wrongData.stderr).toMatch(
      /^skillgrad: no dataset\.json in .*dataset\.json and spreadsheet\/<id>\//,
    );
    const empty = join(root, "empty");
    await mkdir(empty, { recursive: true });
    const noOutputs = await grade(empty);
    expect(noOutputs.code).toBe(1);
    expect(noOutputs.stderr).toMatch(/no output files .*\{n\}_\{id\}_output\.xlsx/);
  });

  it("grades 50 outputs with the official verdicts, and fails a symbolic link to the answer", async () => {
    // One golden candidate per task (enough to spread over worker threads), plus a link for 79-7;
    // the official verdicts are for the files as saved, so without recalculation.
    const many = join(root, "many");
    await mkdir(many);
    const expected = new Map<string, boolean>();
    const verdicts = (await readFile(join(DATA, "golden", "verdicts.jsonl"), "utf8"))
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as { id: string; file: string; pass: boolean });
    for (const [index, verdict] of verdicts.entries()) {
      if (expected.has(verdict.id) || index % 5 !== expected.size % 5) continue;
      expected.set(verdict.id, verdict.pass);
      await copyFile(join(DATA, "golden", verdict.file), join(many, `1_${verdict.id}_output.xlsx`));
    }
    await rm(join(many, "1_79-7_output.xlsx"));
    await symlink(answer("79-7", 1), join(many, "1_79-7_output.xlsx"));
    expected.set("79-7", false);
    const result = await grade(many, "--no-recalc", "--json");
    expect(result.code).toBe(0);
    const grades: Array<{ id: string; testCases: boolean[]; reasons: string[] }> = jsonLines(result.stdout);
    expect(grades).toHaveLength(50);
    expect(Object.fromEntries(grades.map((grade) => [grade.id, grade.testCases[0]]))).toEqual(
      Object.fromEntries(expected),
    );
    expect(grades.find((grade) => grade.id === "79-7")?.reasons[0]).toMatch(
      /^test case 1: output is a symbolic link, not a workbook/,
    );
  });

  it("exits 2 on a usage error", async () => {
    const result = await runCli(["grade", "spreadsheetbench", "--outputs", outputs]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--data/);
  });
});

const soffice = hasLibreOffice();
if (!soffice) console.warn("skipping the CLI recalculation test: LibreOffice (soffice) not found on PATH");

describe.skipIf(!soffice)("skillgrad grade spreadsheetbench recalculation", () => {
  it("recalculates formula outputs by default and not with --no-recalc", { timeout: 120_000 }, async () => {
    const formulas = join(root, "formulas");
    await mkdir(formulas);
    await copyFile(
      join(DATA, "golden/recalc/ssb-recalc-03/1_39490_output.xlsx"),
      join(formulas, "1_39490_output.xlsx"),
    );
    const raw = await grade(formulas, "--no-recalc", "--json");
    expect(JSON.parse(raw.stdout).testCases).toEqual([false, null, null]);
    const recalculated = await grade(formulas, "--json");
    expect(recalculated.code).toBe(0);
    expect(JSON.parse(recalculated.stdout).testCases).toEqual([true, null, null]);
  });
});
