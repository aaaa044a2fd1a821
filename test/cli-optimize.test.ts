import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chmod, cp, lstat, mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, runCli } from "./helpers/cli.js";
import { tempDir } from "./helpers/files.js";
import { REPO } from "./helpers/paths.js";
import { readJsonLines } from "./helpers/run-files.js";

const ledgerLines = (runDir: string): Promise<Array<{ cacheHit: boolean; role: string; stage?: string }>> =>
  readJsonLines(join(runDir, "ledger.jsonl"));

const newestRun = (runs: string) =>
  readdirSync(runs)
    .filter((name) => /-(optimize|eval)-/.test(name))
    .sort()
    .at(-1) ?? "";

/** The sim world with the sim model at 10% noise: a simulation, offline. */
const SIM_RUN = ["--bench", "sim", "--model", "sim:noise=0.1"];

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

  it("--write-back writes the best skill into the real folder of a symlinked skill, keeping .git, modes and a backup", async () => {
    const runs = await tempDir();
    const real = join(runs, "real", "csv-analyst");
    await cp(join(REPO, "examples", "sim-world", "skills", "csv-analyst"), real, { recursive: true });
    await mkdir(join(real, ".git"), { recursive: true });
    await writeFile(join(real, ".git", "HEAD"), "ref: refs/heads/main\n");
    await mkdir(join(real, "scripts"), { recursive: true });
    await writeFile(join(real, "scripts", "check.sh"), "#!/bin/sh\necho ok\n");
    await chmod(join(real, "scripts", "check.sh"), 0o755);
    const linked = join(runs, "csv-analyst");
    await symlink(real, linked);
    const original = await readFile(join(real, "SKILL.md"), "utf8");
    const result = await runCli([
      "optimize",
      "--skill",
      linked,
      ...SIM_RUN,
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
    expect((await lstat(linked)).isSymbolicLink()).toBe(true);
    expect(await readFile(join(real, "SKILL.md"), "utf8")).toBe(
      await readFile(join(summary.bestSkillDir, "SKILL.md"), "utf8"),
    );
    expect(await readFile(join(real, ".git", "HEAD"), "utf8")).toBe("ref: refs/heads/main\n");
    expect((await stat(join(real, "scripts", "check.sh"))).mode & 0o777).toBe(0o755);
    const backup = summary.writeBack.backup as string;
    expect(result.stderr).toContain(`backup of the original: ${backup}`);
    expect((await lstat(backup)).isDirectory()).toBe(true);
    expect(await readFile(join(backup, "SKILL.md"), "utf8")).toBe(original);
    expect(await readFile(join(backup, ".git", "HEAD"), "utf8")).toBe("ref: refs/heads/main\n");
  });

  it("--write-back waits for a budget-stopped run to be finished by --resume, then writes back", async () => {
    const runs = await tempDir();
    const mine = join(runs, "csv-analyst");
    await cp(join(REPO, "examples", "sim-world", "skills", "csv-analyst"), mine, { recursive: true });
    const original = await readFile(join(mine, "SKILL.md"), "utf8");
    const common = ["--iterations", "3", "--json", "--quiet"];
    const stopped = await runCli([
      "optimize",
      "--skill",
      mine,
      ...SIM_RUN,
      ...common,
      "--runs-dir",
      join(runs, "runs"),
      "--max-calls",
      "60",
      "--no-cache",
      "--write-back",
    ]);
    expect(stopped.code, stopped.stderr).toBe(0);
    const first = JSON.parse(stopped.stdout);
    expect(first.status).toBe("stopped");
    expect(stopped.stderr).toContain("not written back: the run stopped");
    expect(await readFile(join(mine, "SKILL.md"), "utf8")).toBe(original);
    const resumed = await runCli(["optimize", "--resume", first.runDir, "--max-calls", "100000", ...common]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const done = JSON.parse(resumed.stdout);
    expect(done.status).toBe("done");
    expect(done.best.version).not.toBe("v000");
    expect(await readFile(join(mine, "SKILL.md"), "utf8")).toBe(
      await readFile(join(done.bestSkillDir, "SKILL.md"), "utf8"),
    );
    expect(await readFile(join(done.writeBack.backup, "SKILL.md"), "utf8")).toBe(original);
  });

  it("resuming an early-stopped run trains no further, even when it was killed before it was marked done", async () => {
    const runs = await tempDir();
    const args = [
      "optimize",
      ...SIM_RUN,
      "--seed",
      "3",
      "--early-stop",
      "1",
      "--train-from",
      "all",
      "--json",
      "--quiet",
    ];
    const first = await runCli([...args, "--runs-dir", runs]);
    expect(first.code, first.stderr).toBe(0);
    const done = JSON.parse(first.stdout);
    expect(done).toMatchObject({ status: "done", stoppedBy: "early-stop" });
    const batches = Math.ceil(
      JSON.parse(await readFile(join(done.runDir, "state.json"), "utf8")).trainIds.length / 4,
    );
    expect(done.iterations).toBeLessThan(batches);
    const paid = async () => (await ledgerLines(done.runDir)).filter((line) => !line.cacheHit).length;
    const paidBefore = await paid();

    const again = await runCli(["optimize", "--resume", done.runDir, "--json", "--quiet"]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ iterations: done.iterations, stoppedBy: "early-stop" });
    expect(JSON.parse(again.stdout).final.hash).toBe(done.final.hash);
    expect(await paid()).toBe(paidBefore);

    // as if killed after the iteration that reached the streak was saved, before the run was marked done
    const statePath = join(done.runDir, "state.json");
    const state = JSON.parse(await readFile(statePath, "utf8"));
    expect(state.cleanStreak).toBeGreaterThanOrEqual(1);
    await writeFile(statePath, JSON.stringify({ ...state, status: "running", stoppedBy: undefined }));
    const resumed = await runCli(["optimize", "--resume", done.runDir, "--json", "--quiet"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      iterations: done.iterations,
      stoppedBy: "early-stop",
    });
    expect(await paid()).toBe(paidBefore);
  });

  it("a run killed during its final test evaluation resumes by finishing the test evaluation only", async () => {
    const args = ["optimize", "--bench", "sim", "--model", "sim:noise=0.1,latency=30", "--seed", "3"];
    const common = ["--early-stop", "1", "--train-from", "all", "--json", "--quiet"];
    const whole = await runCli([
      ...args,
      ...common,
      "--runs-dir",
      await tempDir(),
      "--cache-dir",
      await tempDir(),
    ]);
    expect(whole.code, whole.stderr).toBe(0);
    const uninterrupted = JSON.parse(whole.stdout);

    const runs = await tempDir();
    const child = spawn(
      process.execPath,
      [CLI, ...args, ...common, "--runs-dir", runs, "--cache-dir", await tempDir()],
      {
        stdio: "ignore",
      },
    );
    const exited = new Promise((resolve) => child.on("exit", resolve));
    let killedAt = "";
    for (let waited = 0; waited < 60_000 && !killedAt; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const run = existsSync(runs) ? newestRun(runs) : "";
      const events =
        run && existsSync(join(runs, run, "events.jsonl"))
          ? await readFile(join(runs, run, "events.jsonl"), "utf8")
          : "";
      if (events.includes('"type":"task-done","subdir":"test/v000"')) {
        child.kill("SIGKILL");
        killedAt = run;
      }
    }
    await exited;
    expect(killedAt, "the run reached the test split before being killed").not.toBe("");
    const runDir = join(runs, killedAt);
    expect(existsSync(join(runDir, "summary.json"))).toBe(false);
    const linesBefore = (await ledgerLines(runDir)).length;

    const resumed = await runCli(["optimize", "--resume", runDir, "--json", "--quiet"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.iterations).toBe(uninterrupted.iterations);
    expect(summary.final.hash).toBe(uninterrupted.final.hash);
    expect(summary.final.passRate).toBe(uninterrupted.final.passRate);
    const added = (await ledgerLines(runDir)).slice(linesBefore);
    expect(added.length).toBeGreaterThan(0);
    expect([...new Set(added.map((line) => line.stage))]).toEqual(["test"]);
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

  it("runs with only --executor-model and --optimizer-model when no task needs a judge", async () => {
    const runs = await tempDir();
    const result = await runCli([
      "optimize",
      "--bench",
      "sim",
      "--executor-model",
      "sim:noise=0.1",
      "--optimizer-model",
      "sim",
      "--iterations",
      "1",
      "--runs-dir",
      runs,
      "--json",
      "--quiet",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    const config = JSON.parse(await readFile(join(summary.runDir, "config.json"), "utf8"));
    expect(config.models).toMatchObject({ executor: "sim:noise=0.1", patcher: "sim" });
    expect(config.models.judge).toBeUndefined();
  });

  it("asks for a judge model only when a task is graded by llm-judge", async () => {
    const dir = await tempDir();
    const tasks = join(dir, "tasks.jsonl");
    const lines = Array.from({ length: 6 }, (_, i) =>
      JSON.stringify({
        id: `t${i}`,
        prompt: "Say hi.",
        expected: "hi",
        grader: { type: "llm-judge", rubric: "says hi" },
      }),
    );
    await writeFile(tasks, `${lines.join("\n")}\n`);
    const result = await runCli([
      "optimize",
      "--skill",
      join(REPO, "examples/sim-world/skills/csv-analyst"),
      "--tasks",
      tasks,
      "--executor-model",
      "sim",
      "--optimizer-model",
      "sim",
      "--runs-dir",
      join(dir, "runs"),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no model chosen for the judge/);
  });

  it("refuses a seed skill that does not validate, a --seed that is not a whole number ≥ 0, and resuming a folder that is not a run", async () => {
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
    for (const seed of ["abc", "-3", "1.5"]) {
      const badSeed = await runCli([
        "optimize",
        "--bench",
        "sim",
        "--model",
        "sim",
        "--seed",
        seed,
        "--runs-dir",
        runs,
      ]);
      expect(badSeed.code, seed).toBe(2);
      expect(badSeed.stderr).toContain("--seed");
    }
    expect(readdirSync(runs)).toEqual([]);
  });
});
