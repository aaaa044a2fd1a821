import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, runCli, simOptimize } from "./helpers/cli.js";
import { useQueueWorkers } from "./helpers/queue.js";
import { onlyRun } from "./helpers/run-files.js";

// The coordinator of an optimize run on queue workers is killed (SIGKILL) in the middle of an
// evaluation and resumed: it ends with the same final skill as an uninterrupted run with the same
// seed, and no rollout is run or paid twice. The model is the sim (an offline simulation).
const DB = 4;
const optimizeArgs = (model: string, runsDir: string, ...extra: string[]) =>
  simOptimize(model, "--seed", "7", "--runs-dir", runsDir, "--json", ...extra);

const setup = useQueueWorkers({
  db: DB,
  tmpPrefix: "sg-queue-resume-",
  // one rollout at a time per worker: an iteration's batch then runs in waves, so the kill after the
  // first finished rollout lands before the evaluation ends, however busy the machine is
  workers: () => ["r1", "r2"].map((name) => ({ name, concurrency: 1 })),
});

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 240_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("optimize --queue, coordinator killed and resumed (sim: a simulation)", () => {
  it("finishes with the same final skill as an uninterrupted run, each rollout run once", async () => {
    const { redis, tmp, workers } = setup;
    // the reference: an uninterrupted local run with the same seed
    const local = await runCli(optimizeArgs("sim:noise=0.1", join(tmp, "local")), { timeoutMs: 300_000 });
    expect(local.code, local.stderr).toBe(0);
    const reference = JSON.parse(local.stdout);

    // slow sim answers (100 ms), so the kill lands while rollouts are in flight
    const model = "sim:noise=0.1,latency=100";
    const runsDir = join(tmp, "queued");
    const child = spawn(process.execPath, [CLI, ...optimizeArgs(model, runsDir, "--queue", redis.url(DB))], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    let runDir = "";
    await waitFor(async () => {
      const runs = existsSync(runsDir)
        ? (await readdir(runsDir)).filter((name) => !name.startsWith("."))
        : [];
      if (runs.length === 0) return false;
      runDir = join(runsDir, runs[0] as string);
      const events = await readFile(join(runDir, "events.jsonl"), "utf8").catch(() => "");
      return events.includes('"type":"task-done","subdir":"iterations/002/execute"');
    }, "the second iteration's first rollout");
    child.kill("SIGKILL");
    await exited;
    const ledgerAtKill = (await readFile(join(runDir, "ledger.jsonl"), "utf8")).trim().split("\n").length;
    expect(existsSync(join(runDir, "summary.json"))).toBe(false);
    expect(existsSync(join(runDir, "iterations", "002", "execute", "evaluation.json"))).toBe(false);

    // resumed without --queue: the run's config names the queue (it has no password to mask)
    const resumed = await runCli(["optimize", "--resume", runDir, "--json"], { timeoutMs: 300_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary.status).toBe("done");
    expect(summary.final).toEqual(reference.final);
    expect(summary.best).toEqual(reference.best);
    expect(summary.iterations).toBe(reference.iterations);
    const finalSkill = (version: string, dir: string) =>
      readFile(join(dir, "skills", version, "csv-analyst", "SKILL.md"), "utf8");
    const localDir = await onlyRun(join(tmp, "local"));
    expect(await finalSkill(summary.final.version, runDir)).toBe(
      await finalSkill(reference.final.version, localDir),
    );

    // the ledger grew on resume, and holds no line twice
    const lines = (await readFile(join(runDir, "ledger.jsonl"), "utf8")).trim().split("\n");
    expect(lines.length).toBeGreaterThan(ledgerAtKill);
    const withoutStage = lines.map((line) => {
      const { stage: _stage, ...rest } = JSON.parse(line);
      return JSON.stringify(rest);
    });
    expect(new Set(withoutStage).size).toBe(lines.length);
    // each rollout of the run was run by the workers once, across the kill and the resume
    const runId = runDir.split("/").at(-1) as string;
    const done = workers
      .flatMap((worker) => worker.output().split("\n"))
      .filter((line) => line.includes(`: ${runId}/`) && /: (pass|fail) \(/.test(line))
      .map((line) => line.replace(/^worker \S+: /, "").replace(/: (pass|fail) \(.*$/, ""));
    expect(done.length).toBeGreaterThan(50);
    expect(new Set(done).size).toBe(done.length);
    // the finished run's jobs left Redis
    const status = JSON.parse((await runCli(["workers", "--queue", redis.url(DB), "--json"])).stdout);
    expect(status.depth).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0 });
  }, 600_000);
});
