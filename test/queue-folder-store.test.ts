import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sha256 } from "../src/queue/blobs.js";
import { FolderInputStore } from "../src/queue/folder-store.js";
import { runCli, simWorldEval } from "./helpers/cli.js";
import { freshJob, gradeFigures, rolloutQueue, useQueueWorkers } from "./helpers/queue.js";
import { gradesByRollout, onlyRun, readJsonLines } from "./helpers/run-files.js";

// Inputs in a shared folder (--input-store DIR) instead of Redis, through a real Redis: the same
// grades as a local run, a worker without the folder refuses the run in one line, and a tampered
// file is refused by its hash check. The model is the sim (an offline simulation).
const DB = 11;
/** A queue whose one worker was started without --input-store. */
const DB_NO_FOLDER = 12;
const MODEL = "sim:noise=0.1,seed=5";

const setup = useQueueWorkers({
  db: DB,
  moreDbs: [DB_NO_FOLDER],
  tmpPrefix: "sg-queue-folder-",
  prepare: (tmp) => mkdir(join(tmp, "shared-inputs")).then(() => undefined),
  workers: (tmp) => [
    ...["fa", "fb"].map((name) => ({ name, extra: ["--input-store", join(tmp, "shared-inputs")] })),
    { name: "plain", db: DB_NO_FOLDER },
  ],
});
const inputsOf = () => join(setup.tmp, "shared-inputs");

/** Every file below the folder, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) found.push(join(entry.parentPath, entry.name).slice(dir.length + 1));
  }
  return found.sort();
}

describe("inputs in a shared folder (sim: a simulation)", () => {
  it("an eval on two workers grades every task as a local run does; no input goes through Redis", async () => {
    const { redis, tmp } = setup;
    const inputs = inputsOf();
    const local = await runCli(simWorldEval(MODEL, join(tmp, "local"), "--json"), { timeoutMs: 180_000 });
    expect(local.code, local.stderr).toBe(0);
    const queued = await runCli(
      simWorldEval(MODEL, join(tmp, "queued"), "--queue", redis.url(DB), "--input-store", inputs, "--json"),
      { timeoutMs: 180_000 },
    );
    expect(queued.code, queued.stderr).toBe(0);
    const a = JSON.parse(local.stdout);
    const b = JSON.parse(queued.stdout);
    expect(b).toMatchObject({ tasks: 60, runs: 60, status: "done" });
    expect(gradeFigures(b)).toEqual(gradeFigures(a));
    const queuedDir = await onlyRun(join(tmp, "queued"));
    expect(await gradesByRollout(queuedDir)).toEqual(
      await gradesByRollout(await onlyRun(join(tmp, "local"))),
    );

    // both workers took rollouts
    const ledger = await readJsonLines(join(queuedDir, "ledger.jsonl"));
    expect(new Set(ledger.map((entry) => entry.rollout?.worker))).toEqual(new Set(["fa", "fb"]));
    const config = JSON.parse(await readFile(join(queuedDir, "config.json"), "utf8"));
    expect(config.inputStore).toBe(inputs);

    // the inputs are files DIR/ab/abcd… holding the bytes their names promise; none is in Redis
    const files = await filesUnder(inputs);
    expect(files.length).toBeGreaterThan(60);
    for (const file of files) {
      const [prefix, sha] = file.split("/");
      expect(sha).toMatch(/^[0-9a-f]{64}$/);
      expect(prefix).toBe(sha?.slice(0, 2));
      expect(sha256(await readFile(join(inputs, file)))).toBe(sha);
    }
    expect((await redis.cli("-n", String(DB), "--scan", "--pattern", "skillgrad:blob:*")).trim()).toBe("");
  }, 360_000);

  it("optimize --resume uses the folder the run started with, writing again what it needs", async () => {
    const { redis, tmp } = setup;
    const inputs = inputsOf();
    const runsDir = join(tmp, "optimize");
    const stopped = await runCli(
      [
        "optimize",
        "--bench",
        "sim",
        "--model",
        "sim",
        "--runs-dir",
        runsDir,
        "--queue",
        redis.url(DB),
        "--input-store",
        inputs,
        "--max-calls",
        "60",
        "--json",
      ],
      { timeoutMs: 240_000 },
    );
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ status: "stopped", stoppedBy: "budget" });
    const runDir = await onlyRun(runsDir);
    expect(JSON.parse(await readFile(join(runDir, "config.json"), "utf8")).inputStore).toBe(inputs);
    // the folder is emptied between the runs: the resumed coordinator puts its inputs there again
    await rm(inputs, { recursive: true });
    await mkdir(inputs);
    const resumed = await runCli(["optimize", "--resume", runDir, "--max-calls", "100000", "--json"], {
      timeoutMs: 300_000,
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: "done" });
    expect((await filesUnder(inputs)).length).toBeGreaterThan(0);
    expect((await redis.cli("-n", String(DB), "--scan", "--pattern", "skillgrad:blob:*")).trim()).toBe("");
  }, 600_000);

  it("a worker started without --input-store refuses the run, and eval stops with one line", async () => {
    const runsDir = join(setup.tmp, "refused");
    const result = await runCli(
      simWorldEval(
        MODEL,
        runsDir,
        "--queue",
        setup.redis.url(DB_NO_FOLDER),
        "--input-store",
        inputsOf(),
        "--quiet",
        "--json",
      ),
      { timeoutMs: 120_000 },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^skillgrad: a worker refused task sim-\d+: the run's inputs are in a shared folder \(--input-store\) and this worker reads only Redis: start the worker with --input-store DIR, the folder the coordinator wrote to/,
    );
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(setup.workers[2]?.output()).toMatch(/refused job r-\w+: the run's inputs are in a shared folder/);
  }, 180_000);

  it("--input-store without --queue is a usage error", async () => {
    const result = await runCli(
      simWorldEval(MODEL, join(setup.tmp, "no-queue"), "--input-store", inputsOf(), "--json"),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^skillgrad: --input-store is where queue workers find the run's inputs: use it with --queue URL/,
    );
  });

  it("a file changed in the folder is refused by its hash check; a missing one is named", async () => {
    const rollouts = await rolloutQueue(setup.redis, DB);
    try {
      const store = await FolderInputStore.forWriting(inputsOf());
      const job = async () => {
        const { job: data, fileSha } = await freshJob(setup.tmp, store, "folder");
        return { data, csvPath: store.pathOf(fileSha) };
      };

      const good = await job();
      expect(await rollouts.outcome(good.data)).toMatchObject({ ok: true });

      const tampered = await job();
      await writeFile(tampered.csvPath, "name,amount\nA,999999\n");
      expect(await rollouts.outcome(tampered.data)).toEqual({
        ok: false,
        reason: expect.stringMatching(
          /^\[skillgrad:refused\] task t1's input data\.csv failed its hash check: the bytes in the input folder .* are not sha256/,
        ),
      });

      const missing = await job();
      await rm(missing.csvPath);
      expect(await rollouts.outcome(missing.data)).toEqual({
        ok: false,
        reason: expect.stringMatching(
          /^\[skillgrad:refused\] task t1's input data\.csv \(sha256 \w+\) is not in the input folder .*: give the worker --input-store DIR, the folder the coordinator wrote to/,
        ),
      });
    } finally {
      await rollouts.close();
    }
  }, 180_000);
});
