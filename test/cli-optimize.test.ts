import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { cp, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/paths.js";

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "sg-optimize-"));
}

async function ledgerLines(
  runDir: string,
): Promise<Array<{ cacheHit: boolean; role: string; stage?: string }>> {
  const text = await readFile(join(runDir, "ledger.jsonl"), "utf8");
  return text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

const newestRun = (runs: string) =>
  readdirSync(runs)
    .filter((name) => /-(optimize|eval)-/.test(name))
    .sort()
    .at(-1) ?? "";

describe("skillgrad optimize on the sim world (a simulation)", () => {
  it("the demo raises test accuracy from the seed skill and keeps every artifact", async () => {
    const runs = await tempDir();
    const result = await runCli(["demo", "--runs-dir", runs, "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(Object.keys(summary)).toEqual(
      expect.arrayContaining([
        "runId",
        "runDir",
        "iterations",
        "seed",
        "final",
        "best",
        "costUsd",
        "calls",
        "cachedCalls",
        "wallMs",
      ]),
    );
    expect(summary.final.passRate).toBeGreaterThan(summary.seed.passRate);
    expect(summary.best.passRate).toBeGreaterThan(summary.seed.passRate);
    expect(summary.seed.ci95).toHaveLength(2);
    const dir = summary.runDir as string;
    for (const file of [
      "config.json",
      "state.json",
      "ledger.jsonl",
      "events.jsonl",
      "summary.json",
      "skills/v000/csv-analyst/SKILL.md",
    ]) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    const first = join(dir, "iterations", "001");
    for (const file of [
      "batch.json",
      "execute/evaluation.json",
      "diagnoses.json",
      "momentum.json",
      "patch.json",
    ]) {
      expect(existsSync(join(first, file)), `iterations/001/${file}`).toBe(true);
    }
    expect(readdirSync(join(dir, "skills")).length).toBeGreaterThan(1);
    expect(existsSync(join(dir, "best", "csv-analyst", "SKILL.md"))).toBe(true);
    const lines = await ledgerLines(dir);
    const roles = new Set(lines.map((line) => line.role));
    expect([...roles].sort()).toEqual(["diagnoser", "executor", "momentum", "patcher"]);
    // every call is tagged with the stage it belongs to, and summary.json sums them per stage
    const stages = new Set(lines.map((line) => line.stage));
    expect([...stages].sort()).toEqual([
      "base",
      "diagnose",
      "execute",
      "momentum",
      "patch",
      "test",
      "validate",
    ]);
    const saved = JSON.parse(await readFile(join(dir, "summary.json"), "utf8"));
    const perStage = Object.values(saved.byStage as Record<string, { calls: number }>).reduce(
      (n, b) => n + b.calls,
      0,
    );
    expect(perStage).toBe(lines.length);
    expect(lines.filter((line) => line.stage === "diagnose").every((line) => line.role === "diagnoser")).toBe(
      true,
    );
  });

  it("resumes a run killed between stages to the same final skill, repeating no completed call", async () => {
    const args = [
      "optimize",
      "--bench",
      "sim",
      "--model",
      "sim:noise=0.1,latency=30",
      "--seed",
      "3",
      "--json",
      "--quiet",
    ];
    const runsA = await tempDir();
    const whole = await runCli([...args, "--runs-dir", runsA, "--cache-dir", await tempDir()]);
    expect(whole.code, whole.stderr).toBe(0);
    const uninterrupted = JSON.parse(whole.stdout);

    const runsB = await tempDir();
    const child = spawn(
      process.execPath,
      [CLI, ...args, "--runs-dir", runsB, "--cache-dir", await tempDir()],
      {
        stdio: "ignore",
      },
    );
    const exited = new Promise((resolve) => child.on("exit", resolve));
    let killedAt = "";
    for (let waited = 0; waited < 60_000 && !killedAt; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const run = existsSync(runsB) ? newestRun(runsB) : "";
      const events =
        run && existsSync(join(runsB, run, "events.jsonl"))
          ? await readFile(join(runsB, run, "events.jsonl"), "utf8")
          : "";
      // inside iteration 2: its diagnoses and momentum are saved, the patch is not yet
      if (events.includes('"type":"stage","stage":"patch","iteration":2')) {
        child.kill("SIGKILL");
        killedAt = run;
      }
    }
    await exited;
    expect(killedAt, "the run reached iteration 2's patch stage before being killed").not.toBe("");
    const runDir = join(runsB, killedAt);
    expect(existsSync(join(runDir, "summary.json"))).toBe(false);
    // killed after iteration 1 completed; usually inside iteration 2 (a slow machine may let it finish it)
    const checkpoint = JSON.parse(await readFile(join(runDir, "state.json"), "utf8"));
    expect(checkpoint.iteration).toBeGreaterThanOrEqual(1);
    if (checkpoint.stage) expect(checkpoint.stage.iteration).toBe(checkpoint.iteration + 1);
    const before = (await ledgerLines(runDir)).filter((line) => !line.cacheHit).length;

    const resumed = await runCli(["optimize", "--resume", runDir, "--json", "--quiet"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.final.hash).toBe(uninterrupted.final.hash);
    expect(summary.best.hash).toBe(uninterrupted.best.hash);
    expect(summary.final.passRate).toBe(uninterrupted.final.passRate);
    const lines = await ledgerLines(runDir);
    const paid = lines.filter((line) => !line.cacheHit).length;
    const paidUninterrupted = (await ledgerLines(uninterrupted.runDir)).filter(
      (line) => !line.cacheHit,
    ).length;
    expect(before).toBeGreaterThan(0);
    expect(paid).toBe(paidUninterrupted);
  });

  it("--write-back copies the best skill over the user's folder after saving the original", async () => {
    const runs = await tempDir();
    const mine = join(runs, "skills", "csv-analyst");
    await cp(join(REPO, "examples", "sim-world", "skills", "csv-analyst"), mine, { recursive: true });
    const original = await readFile(join(mine, "SKILL.md"), "utf8");
    const result = await runCli([
      "optimize",
      "--skill",
      mine,
      "--bench",
      "sim",
      "--model",
      "sim:noise=0.1",
      "--runs-dir",
      join(runs, "runs"),
      "--iterations",
      "2",
      "--write-back",
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.best.version).not.toBe("v000");
    expect(await readFile(join(mine, "SKILL.md"), "utf8")).toBe(
      await readFile(join(summary.bestSkillDir, "SKILL.md"), "utf8"),
    );
    expect(await readFile(join(summary.runDir, "write-back-backup", "csv-analyst", "SKILL.md"), "utf8")).toBe(
      original,
    );
  });

  it("stops cleanly at --max-calls, then a resume with a larger budget finishes the run", async () => {
    const runs = await tempDir();
    const base = ["--bench", "sim", "--model", "sim:noise=0.1", "--iterations", "3", "--json", "--quiet"];
    const stopped = await runCli([
      "optimize",
      ...base,
      "--runs-dir",
      runs,
      "--max-calls",
      "60",
      "--no-cache",
    ]);
    expect(stopped.code, stopped.stderr).toBe(0);
    const first = JSON.parse(stopped.stdout);
    expect(first).toMatchObject({ status: "stopped", stoppedBy: "budget" });
    expect(first.calls).toBeLessThanOrEqual(60);
    const resumed = await runCli([
      "optimize",
      "--resume",
      first.runDir,
      "--max-calls",
      "100000",
      "--json",
      "--quiet",
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const done = JSON.parse(resumed.stdout);
    expect(done).toMatchObject({ status: "done", iterations: 3 });
    expect(done.final.passRate).not.toBeNull();
  });

  it("refuses a seed skill that does not validate, and resuming a folder that is not a run", async () => {
    const runs = await tempDir();
    const bad = await runCli([
      "optimize",
      "--skill",
      join(runs, "nope"),
      "--bench",
      "sim",
      "--model",
      "sim",
      "--runs-dir",
      runs,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(runs)).toEqual([]);
    const notRun = await runCli(["optimize", "--resume", runs]);
    expect(notRun.code).toBe(1);
    expect(notRun.stderr).toContain("not a run folder");
    const both = await runCli(["optimize", "--tasks", "x.jsonl", "--bench", "sim", "--model", "sim"]);
    expect(both.code).toBe(2);
  });
});
