import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feedbackFileSchema } from "../src/runs/feedback.js";
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from "./helpers/chromium.js";
import { runCli, simOptimize } from "./helpers/cli.js";
import { EXAMPLE_WORLD, SEED_SKILL } from "./helpers/sim-world.js";

if (!hasChromium)
  console.warn(
    `skipping the review-mode browser test: ${CHROMIUM} is not installed (apt-get install chromium)`,
  );

/** Runs the CLI with --json, expects success, writes the run's report and returns its path and folder. */
async function reportOf(args: string[]): Promise<{ report: string; runDir: string }> {
  const result = await runCli([...args, "--json", "--quiet"]);
  expect(result.code, result.stderr).toBe(0);
  const runDir = JSON.parse(result.stdout).runDir as string;
  const report = await runCli(["report", runDir]);
  expect(report.code, report.stderr).toBe(0);
  return { report: report.stdout.trim(), runDir };
}

describe.skipIf(!hasChromium)("the report's review mode in chromium (sim runs: a simulation)", () => {
  let browser: Browser;
  let downloads: string;
  let evaluation: { report: string; runDir: string };
  let optimization: { report: string; runDir: string };

  beforeAll(async () => {
    const runsDir = await mkdtemp(join(tmpdir(), "sg-review-"));
    downloads = await mkdtemp(join(tmpdir(), "sg-review-downloads-"));
    evaluation = await reportOf([
      "eval",
      "--skill",
      SEED_SKILL,
      "--tasks",
      join(EXAMPLE_WORLD, "tasks.jsonl"),
      "--model",
      "sim",
      "--runs-dir",
      runsDir,
    ]);
    optimization = await reportOf(["demo", "--runs-dir", runsDir, "--iterations", "2"]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(path: string): Promise<{ page: Page; errors: string[]; external: string[] }> {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    const external: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url === pathToFileURL(path).href || url.startsWith("blob:")) return route.continue();
      external.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(path).href);
    return { page, errors, external };
  }

  async function exportFeedback(page: Page, name: string) {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export feedback.json" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("feedback.json");
    const file = join(downloads, name);
    await download.saveAs(file);
    return feedbackFileSchema.parse(JSON.parse(await readFile(file, "utf8")));
  }

  it("marks outcomes and writes comments per task, then exports feedback.json with no server", async () => {
    const { page, errors, external } = await open(evaluation.report);
    // review controls appear only in review mode
    expect(await page.locator("td.review-cell").count()).toBe(0);
    await page.getByRole("button", { name: "Review" }).click();
    expect(await page.locator("td.review-cell:visible").count()).toBe(60);

    const failed = page.locator('table.filterable tbody tr[data-pass="fail"]').first();
    const failedTask = (await failed.locator("td code").first().textContent()) as string;
    await failed.getByRole("combobox").selectOption("wrong");
    await failed
      .getByRole("textbox")
      .fill("The total counted the subtotal rows as data; they must be dropped first.");
    const passed = page.locator('table.filterable tbody tr[data-pass="pass"]').first();
    const passedTask = (await passed.locator("td code").first().textContent()) as string;
    await passed.getByRole("combobox").selectOption("correct");
    await page.getByRole("textbox", { name: "reviewer name" }).fill("Ada");
    expect(await page.locator(".review-count").textContent()).toBe("2 tasks reviewed");

    const feedback = await exportFeedback(page, "eval-feedback.json");
    expect(feedback.run.dir).toBe(evaluation.runDir);
    expect(feedback.run.kind).toBe("eval");
    expect(feedback.run.skill?.name).toBe("csv-analyst");
    expect(feedback.reviewer).toBe("Ada");
    expect(feedback.items).toHaveLength(2);
    const wrong = feedback.items.find((item) => item.taskId === failedTask);
    expect(wrong).toMatchObject({
      repeat: 0,
      graderPass: false,
      verdict: "wrong",
      comment: "The total counted the subtotal rows as data; they must be dropped first.",
    });
    const results = (await readFile(join(evaluation.runDir, "results.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(wrong?.answer).toBe(results.find((r) => r.taskId === failedTask)?.answer);
    expect(feedback.items.find((item) => item.taskId === passedTask)).toMatchObject({
      graderPass: true,
      verdict: "correct",
      comment: "",
    });

    // the notes survive a reload (kept in the browser), and nothing left the page
    await page.reload();
    await page.getByRole("button", { name: "Review" }).click();
    expect(await page.locator(".review-count").textContent()).toBe("2 tasks reviewed");
    expect(await page.locator("tr.reviewed").count()).toBe(2);
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });

  it("in an optimize report, a note names the iteration and the version that made the run; optimize --feedback gives it to the next run's diagnoser", async () => {
    const { page, errors } = await open(optimization.report);
    await page.getByRole("button", { name: "Review" }).click();
    // a task that failed in iteration 1, so the next run diagnoses it again
    const row = page
      .locator("#iter-1 table.tasks tbody tr")
      .filter({ has: page.locator(".badge.fail") })
      .first();
    const task = (await row.locator("td code").first().textContent()) as string;
    await row.getByRole("textbox").fill("Looks like the dates were read month-first.");
    const feedback = await exportFeedback(page, "optimize-feedback.json");
    expect(feedback.run.kind).toBe("optimize");
    expect(feedback.items).toEqual([
      expect.objectContaining({
        taskId: task,
        iteration: 1,
        version: "v000",
        verdict: null,
        comment: "Looks like the dates were read month-first.",
      }),
    ]);
    expect(errors).toEqual([]);
    await page.close();

    // the exported file, fed to a new run: the person's comment is in iteration 1's diagnosis of that task
    const runsDir = await mkdtemp(join(tmpdir(), "sg-feedback-run-"));
    const result = await runCli([
      "demo",
      "--runs-dir",
      runsDir,
      "--iterations",
      "1",
      "--feedback",
      join(downloads, "optimize-feedback.json"),
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /feedback: notes on 1 task\(s\) from run \S+; the 1 in this run's pool go to the diagnoser/,
    );
    const runDir = JSON.parse(result.stdout).runDir as string;
    const diagnoses = JSON.parse(await readFile(join(runDir, "iterations", "001", "diagnoses.json"), "utf8"));
    const diagnosis = diagnoses.find((d: { taskId: string }) => d.taskId === task);
    expect(diagnosis.human).toEqual([
      expect.objectContaining({
        source: "human",
        comment: "Looks like the dates were read month-first.",
        verdict: null,
        reviewedRun: feedback.run.id,
      }),
    ]);
    // the (sim) diagnoser read it in its prompt and cites it in its account of the cause
    expect(diagnosis.cause).toContain('"Looks like the dates were read month-first."');
    // no other diagnosis got a note
    expect(diagnoses.filter((d: { human?: unknown }) => d.human !== undefined)).toHaveLength(1);
    const report = await readFile(join(runDir, "report.html"), "utf8");
    expect(report).toContain("human feedback");
    expect(report).toContain("Looks like the dates were read month-first.");
  });

  it("a damaged feedback file is one clear error, before any work", async () => {
    const bad = join(downloads, "bad-feedback.json");
    await writeFile(bad, JSON.stringify({ format: "something else", items: [] }));
    const runsDir = await mkdtemp(join(tmpdir(), "sg-feedback-bad-"));
    const result = await runCli(simOptimize("sim", "--runs-dir", runsDir, "--feedback", bad));
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines.at(-1)).toContain("is not a skillgrad feedback.json");
    expect(lines.filter((line) => line.startsWith("skillgrad:"))).toHaveLength(1);
    expect(await readdir(runsDir)).toEqual([]);
  });
});
