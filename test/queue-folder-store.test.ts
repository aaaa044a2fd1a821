import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../src/queue/blobs.js";
import { FolderInputStore } from "../src/queue/folder-store.js";
import { packSkill, packTask } from "../src/queue/inputs.js";
import { JOB_FORMAT, type RolloutJob } from "../src/queue/job.js";
import { loadSkill } from "../src/skill/index.js";
import { loadTasks } from "../src/tasks/load.js";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/paths.js";
import { startWorkerProcess, type TestRedis, useRedis, type WorkerProcess } from "./helpers/redis.js";

// Inputs in a shared folder (--input-store DIR) instead of Redis, through a real Redis: the same
// grades as a local run, a worker without the folder refuses the run in one line, and a tampered
// file is refused by its hash check. The model is the sim (an offline simulation).
const DB = 11;
/** A queue whose one worker was started without --input-store. */
const DB_NO_FOLDER = 12;
const world = join(REPO, "examples", "sim-world");
const seedSkill = join(world, "skills", "csv-analyst");
const simEval = (runsDir: string, ...extra: string[]) => [
  "eval",
  "--skill",
  seedSkill,
  "--tasks",
  join(world, "tasks.jsonl"),
  "--model",
  "sim:noise=0.1,seed=5",
  "--runs-dir",
  runsDir,
  "--json",
  ...extra,
];

let redis: TestRedis;
let tmp: string;
let inputs: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await useRedis();
  await redis.cli("-n", String(DB), "flushdb");
  await redis.cli("-n", String(DB_NO_FOLDER), "flushdb");
  tmp = await mkdtemp(join(tmpdir(), "sg-queue-folder-"));
  inputs = join(tmp, "shared-inputs");
  await mkdir(inputs);
  for (const name of ["fa", "fb"]) {
    workers.push(
      await startWorkerProcess(redis.url(DB), {
        name,
        concurrency: 2,
        cacheDir: join(tmp, `cache-${name}`),
        extra: ["--input-store", inputs],
      }),
    );
  }
  workers.push(
    await startWorkerProcess(redis.url(DB_NO_FOLDER), { name: "plain", cacheDir: join(tmp, "cache-plain") }),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await redis?.stop();
});

interface ResultLine {
  taskId: string;
  repeat: number;
  pass: boolean;
  score: number;
  answer: string;
  outcome: string;
  feedback: string;
}

async function onlyRun(runsDir: string): Promise<string> {
  const runs = (await readdir(runsDir)).filter((name) => !name.startsWith("."));
  expect(runs).toHaveLength(1);
  return join(runsDir, runs[0] as string);
}

async function byRollout(runDir: string) {
  const lines = (await readFile(join(runDir, "results.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as ResultLine);
  return Object.fromEntries(
    lines.map((r) => [
      `${r.taskId}/r${r.repeat}`,
      { pass: r.pass, score: r.score, answer: r.answer, outcome: r.outcome, feedback: r.feedback },
    ]),
  );
}

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
    const local = await runCli(simEval(join(tmp, "local")), { timeoutMs: 180_000 });
    expect(local.code, local.stderr).toBe(0);
    const queued = await runCli(
      simEval(join(tmp, "queued"), "--queue", redis.url(DB), "--input-store", inputs),
      { timeoutMs: 180_000 },
    );
    expect(queued.code, queued.stderr).toBe(0);
    const a = JSON.parse(local.stdout);
    const b = JSON.parse(queued.stdout);
    expect(b).toMatchObject({ tasks: 60, runs: 60, status: "done" });
    expect([b.passes, b.passRate, b.meanScore, b.outcomes]).toEqual([
      a.passes,
      a.passRate,
      a.meanScore,
      a.outcomes,
    ]);
    const queuedDir = await onlyRun(join(tmp, "queued"));
    expect(await byRollout(queuedDir)).toEqual(await byRollout(await onlyRun(join(tmp, "local"))));

    // both workers took rollouts
    const ledger = (await readFile(join(queuedDir, "ledger.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
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
    const runsDir = join(tmp, "refused");
    const result = await runCli(
      simEval(runsDir, "--queue", redis.url(DB_NO_FOLDER), "--input-store", inputs, "--quiet"),
      { timeoutMs: 120_000 },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^skillgrad: a worker refused task sim-\d+: the run's inputs are in a shared folder \(--input-store\) and this worker reads only Redis: start the worker with --input-store DIR, the folder the coordinator wrote to/,
    );
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(workers[2]?.output()).toMatch(/refused job r-\w+: the run's inputs are in a shared folder/);
  }, 180_000);

  it("--input-store without --queue is a usage error", async () => {
    const result = await runCli(simEval(join(tmp, "no-queue"), "--input-store", inputs));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^skillgrad: --input-store is where queue workers find the run's inputs: use it with --queue URL/,
    );
  });

  it("a file changed in the folder is refused by its hash check; a missing one is named", async () => {
    const connection = { host: redis.host, port: redis.port, db: DB, maxRetriesPerRequest: null };
    const queue = new Queue("rollouts", { connection, prefix: "skillgrad" });
    const events = new QueueEvents("rollouts", { connection, prefix: "skillgrad" });
    await events.waitUntilReady();
    try {
      const store = await FolderInputStore.forWriting(inputs);
      const job = async () => {
        const dir = join(tmp, `task-${randomBytes(4).toString("hex")}`);
        await mkdir(dir);
        const csv = `name,amount\nA,${randomBytes(3).readUIntBE(0, 3)}\nB,5\n`;
        await writeFile(join(dir, "data.csv"), csv);
        await writeFile(
          join(dir, "tasks.jsonl"),
          `${JSON.stringify({ id: "t1", prompt: "data.csv: what is the total of amount?", files: ["data.csv"], expected: "1" })}\n`,
        );
        const [task] = await loadTasks(join(dir, "tasks.jsonl"));
        const skill = await loadSkill(seedSkill);
        const data: RolloutJob = {
          format: JOB_FORMAT,
          key: { run: `folder-${randomBytes(3).toString("hex")}`, version: "none", task: "t1", repeat: 0 },
          inputs: "folder",
          skill: await packSkill(skill, store),
          task: await packTask(task as NonNullable<typeof task>, store, { exclude: [] }),
          models: { executor: "sim" },
          executor: "builtin",
          sandbox: "auto",
          trustGraders: false,
          maxTurns: 10,
          commandTimeoutSec: 30,
          taskTimeoutSec: 60,
          cache: false,
          hub: {},
        };
        data.key.version = data.skill?.hash ?? "none";
        return { data, csvPath: store.pathOf(sha256(csv)) };
      };
      const outcome = async (data: RolloutJob) => {
        const added = await queue.add("rollout", data, { jobId: `test-${randomBytes(6).toString("hex")}` });
        return added.waitUntilFinished(events, 60_000).then(
          () => "done",
          (error: Error) => error.message,
        );
      };

      const good = await job();
      expect(await outcome(good.data)).toBe("done");

      const tampered = await job();
      await writeFile(tampered.csvPath, "name,amount\nA,999999\n");
      expect(await outcome(tampered.data)).toMatch(
        /^\[skillgrad:refused\] task t1's input data\.csv failed its hash check: the bytes in the input folder .* are not sha256/,
      );

      const missing = await job();
      await rm(missing.csvPath);
      expect(await outcome(missing.data)).toMatch(
        /^\[skillgrad:refused\] task t1's input data\.csv \(sha256 \w+\) is not in the input folder .*: give the worker --input-store DIR, the folder the coordinator wrote to/,
      );
    } finally {
      await events.close();
      await queue.close();
    }
  }, 180_000);
});
