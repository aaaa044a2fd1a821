import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/paths.js";

// bullmq and ioredis are optional peer dependencies. With them hidden (as after a plain
// `npm i skillgrad`), the library and local runs work, and the queue's commands say in one line what
// to install. The model is the sim (an offline simulation).
const hide = fileURLToPath(new URL("./helpers/hide-queue-peers.mjs", import.meta.url));
const env = { NODE_OPTIONS: `--import=${hide}` };
const world = join(REPO, "examples", "sim-world");
const install =
  /^skillgrad: the queue \(--queue, skillgrad worker, skillgrad workers\) needs bullmq and ioredis, which a plain install of skillgrad leaves out: run `npm i bullmq@6 ioredis@5` where skillgrad is installed/;

let tmp: string;
let tasks: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), "sg-queue-peers-"));
  const lines = (await readFile(join(world, "tasks.jsonl"), "utf8")).trim().split("\n").slice(0, 2);
  for (const line of lines) {
    const id = (JSON.parse(line) as { id: string }).id;
    await cp(join(world, "files", id), join(tmp, "files", id), { recursive: true });
  }
  tasks = join(tmp, "tasks.jsonl");
  await writeFile(tasks, `${lines.join("\n")}\n`);
});

function node(code: string) {
  return spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: REPO,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
}

describe("without bullmq and ioredis installed", () => {
  it("they are hidden for real", () => {
    const result = node('await import("bullmq")');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("Cannot find package 'bullmq'");
  });

  it("the library API loads", () => {
    const result = node('const api = await import("./dist/index.js"); console.log(typeof api.evaluate);');
    expect(result.stderr).toBe("");
    expect(result.stdout.trim()).toBe("function");
  });

  const localEval = (runsDir: string) => [
    "eval",
    "--skill",
    join(world, "skills", "csv-analyst"),
    "--tasks",
    tasks,
    "--model",
    "sim",
    "--runs-dir",
    runsDir,
  ];

  it("a local eval runs as before", async () => {
    const result = await runCli([...localEval(join(tmp, "runs")), "--json"], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ tasks: 2, runs: 2, status: "done" });
  });

  it("worker, workers and eval --queue say what to install, in one line", async () => {
    const runsDir = join(tmp, "queued-runs");
    for (const args of [
      ["workers", "--queue", "redis://127.0.0.1:1"],
      ["worker", "--queue", "redis://127.0.0.1:1"],
      [...localEval(runsDir), "--queue", "redis://127.0.0.1:1"],
    ]) {
      const result = await runCli(args, { env });
      expect(result.code, args[0]).toBe(1);
      expect(result.stderr).toMatch(install);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    }
    // stopped before a run folder was made
    expect(await readdir(runsDir).catch(() => [])).toEqual([]);
  });
});
