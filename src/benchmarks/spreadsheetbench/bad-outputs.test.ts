import { copyFile, mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHARED_DATA } from "../../../test/helpers/paths.js";
import { readZipParts, writeZip, type ZipPart } from "../../../test/helpers/zip-writer.js";
import { gradeSsbOutput, ssbTask } from "./benchmark.js";
import { compareWorkbooks } from "./compare.js";
import { gradeTasks } from "./grade.js";
import { loadSpreadsheetBench, type SsbTask } from "./loader.js";
import { needsRecalc } from "./recalc.js";
import { DEFAULT_ZIP_LIMITS } from "./xlsx/zip.js";

// Outputs an agent could write to cheat or to break the run (issue 9, item 5).
const DATA = join(SHARED_DATA, "spreadsheetbench");
const ID = "79-7";
const gold = join(DATA, "spreadsheet", ID, `1_${ID}_answer.xlsx`);
let dir: string;
let task: SsbTask;

/** The gold workbook with every worksheet replaced by `bytes` bytes of whitespace inside <sheetData>. */
async function bomb(name: string, bytes: number, options: { declaredSize?: number } = {}): Promise<string> {
  const path = join(dir, name);
  const parts: ZipPart[] = (await readZipParts(gold)).map((part) =>
    /^xl\/worksheets\/[^/]+\.xml$/.test(part.name)
      ? {
          name: part.name,
          ...options,
          *chunks() {
            yield Buffer.from(
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
            );
            const spaces = Buffer.alloc(2 ** 20, 0x20);
            for (let written = 0; written < bytes; written += spaces.length) yield spaces;
            yield Buffer.from("</sheetData></worksheet>");
          },
        }
      : part,
  );
  await writeZip(path, parts);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ssb-bad-outputs-"));
  task = (await loadSpreadsheetBench(DATA, { ids: new Set([ID]) }))[0] as SsbTask;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a symbolic link as the output", () => {
  it("fails instead of grading the workbook it points to", async () => {
    const link = join(dir, "link.xlsx");
    await symlink(gold, link);
    const result = await compareWorkbooks(gold, link, task.answerPosition);
    expect(result.pass).toBe(false);
    expect(result.reason).toMatch(/^output is a symbolic link, not a workbook/);
    expect(await needsRecalc(link)).toBe(false);
    // The real file passes: the link is what fails.
    expect((await compareWorkbooks(gold, gold, task.answerPosition)).pass).toBe(true);
  });

  it("fails the agent's output.xlsx that links to the answer workbook", async () => {
    const workspace = join(dir, "workspace");
    await mkdir(workspace);
    await symlink(gold, join(workspace, "output.xlsx"));
    const grade = await gradeSsbOutput({ task: ssbTask(task), answer: "done", workspace });
    expect(grade).toMatchObject({ pass: false, score: 0 });
    expect(grade.feedback).toMatch(/^output\.xlsx is a symbolic link/);
  });
});

describe("a zip bomb as the output", () => {
  const overCap = DEFAULT_ZIP_LIMITS.maxPartBytes + 2 ** 20;

  it("fails that output with a reason, within the memory cap, and the other outputs are graded", async () => {
    const path = await bomb("bomb.xlsx", overCap);
    const peakBefore = process.resourceUsage().maxRSS;
    const started = Date.now();
    const result = await compareWorkbooks(gold, path, task.answerPosition);
    expect(result.pass).toBe(false);
    expect(result.reason).toMatch(/^output cannot read workbook .*bomb\.xlsx: .*inflate.* 128 MiB/);
    expect(Date.now() - started).toBeLessThan(20_000);
    // Peak memory grows by at most about the cap (the reported case used 9.5 GB).
    expect(process.resourceUsage().maxRSS - peakBefore).toBeLessThan(600 * 1024);
    expect(await needsRecalc(path)).toBe(false);

    const outputs = join(dir, "outputs");
    await mkdir(outputs);
    await copyFile(path, join(outputs, `1_${ID}_output.xlsx`));
    await copyFile(gold.replace("1_", "2_"), join(outputs, `2_${ID}_output.xlsx`));
    const [grade] = await gradeTasks(
      [
        {
          task,
          outputs: { 1: join(outputs, `1_${ID}_output.xlsx`), 2: join(outputs, `2_${ID}_output.xlsx`) },
        },
      ],
      { recalc: true },
    );
    expect(grade?.testCases).toEqual([false, true, null]);
    expect(grade?.reasons[0]).toMatch(/^test case 1: output cannot read workbook .*inflate.* 128 MiB/);
  });

  it("is caught when the zip declares a small size for a large part", async () => {
    const path = await bomb("lying.xlsx", overCap, { declaredSize: 1000 });
    const result = await compareWorkbooks(gold, path, task.answerPosition);
    expect(result.reason).toMatch(/inflates to more than 128 MiB/);
  });

  it("is refused before inflating when the declared size is over the cap", async () => {
    const path = await bomb("declared.xlsx", 2 ** 20, { declaredSize: DEFAULT_ZIP_LIMITS.maxPartBytes + 1 });
    const result = await compareWorkbooks(gold, path, task.answerPosition);
    expect(result.reason).toMatch(/would inflate to 128 MiB \(limit 128 MiB\)/);
  });

  it("counts every part read from one workbook against the total cap", async () => {
    const path = await bomb("three-mib.xlsx", 3 * 2 ** 20);
    const limits = { maxPartBytes: 4 * 2 ** 20, maxTotalBytes: 3 * 2 ** 20, maxEntries: 100 };
    const result = await compareWorkbooks(gold, path, task.answerPosition, { limits });
    // The sheet fits the part cap; with the parts read before it, the workbook does not.
    expect(result.reason).toMatch(/sheet1\.xml inflates to more than 3 MiB/);
    expect((await compareWorkbooks(gold, gold, task.answerPosition, { limits })).pass).toBe(true);
  });

  it("fails the agent's output.xlsx instead of stopping the run", async () => {
    const workspace = join(dir, "bomb-workspace");
    await mkdir(workspace);
    await copyFile(await bomb("agent-bomb.xlsx", overCap), join(workspace, "output.xlsx"));
    const grade = await gradeSsbOutput({ task: ssbTask(task), answer: "done", workspace });
    expect(grade).toMatchObject({ pass: false, score: 0 });
    expect(grade.feedback).toMatch(/output cannot read workbook .*inflate.* 128 MiB/);
  });
});
