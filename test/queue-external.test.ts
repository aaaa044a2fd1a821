import { chmod, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/paths.js";
import { startWorkerProcess, type TestRedis, useRedis } from "./helpers/redis.js";

// External agents on queue workers: each worker runs its own agent program (here a fake `claude`, a
// shell script standing in for Claude Code), in the sandbox; and a worker with no working sandbox
// does not start.
const DB = 9;

const FAKE_CLAUDE = `#!/bin/sh
echo '{"type":"system","subtype":"init","model":"m","tools":["Read","Skill"],"skills":["x"]}'
echo '{"type":"result","subtype":"success","is_error":false,"result":"4","num_turns":1,"total_cost_usd":0.0125,"usage":{"input_tokens":1000,"output_tokens":20,"cache_read_input_tokens":200}}'
`;

let redis: TestRedis;
let tmp: string;

beforeAll(async () => {
  redis = await useRedis();
  await redis.cli("-n", String(DB), "flushdb");
  tmp = await mkdtemp(join(tmpdir(), "sg-queue-external-"));
  // the fake runs as the sandbox user: it must be able to read its folder
  await chmod(tmp, 0o755);
});

afterAll(async () => {
  await redis?.stop();
});

describe("external agents on queue workers", () => {
  it("runs the claude-code executor with the worker's own program", async () => {
    const bin = join(tmp, "fake-claude");
    await writeFile(bin, FAKE_CLAUDE);
    await chmod(bin, 0o755);
    const tasks = join(tmp, "tasks.jsonl");
    await writeFile(
      tasks,
      ["a", "b", "c"].map((id) => JSON.stringify({ id, prompt: "what is 2+2?", expected: "4" })).join("\n"),
    );
    const worker = await startWorkerProcess(redis.url(DB), {
      name: "agent",
      cacheDir: join(tmp, "cache"),
      extra: ["--executor-bin", bin],
    });
    try {
      const args = ["eval", "--no-skill", "--tasks", tasks, "--model", "sim", "--executor", "claude-code"];
      const refused = await runCli([...args, "--executor-bin", bin, "--queue", redis.url(DB)]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /with --queue the workers run the agent.*skillgrad worker --executor-bin/,
      );

      const runsDir = join(tmp, "runs");
      const result = await runCli([...args, "--runs-dir", runsDir, "--queue", redis.url(DB), "--json"], {
        timeoutMs: 120_000,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ executor: "claude-code", runs: 3, passes: 3 });
      const [run] = (await readdir(runsDir)).filter((name) => !name.startsWith("."));
      const lines = (await readFile(join(runsDir, run as string, "results.jsonl"), "utf8"))
        .trim()
        .split("\n");
      expect(lines.map((line) => JSON.parse(line).answer)).toEqual(["4", "4", "4"]);
      expect(worker.output()).toMatch(/\/a\/r0: pass/);
    } finally {
      await worker.stop();
    }
  }, 180_000);

  it("does not start a worker without a working sandbox, saying how to get one", async () => {
    const result = await runCli(
      ["worker", "--queue", redis.url(DB), "--cache-dir", join(tmp, "cache-none")],
      { env: { SKILLGRAD_BWRAP: join(REPO, "no-such-bwrap") } },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^skillgrad: no sandbox for agent commands: .*install bubblewrap/);
    const listed = JSON.parse((await runCli(["workers", "--queue", redis.url(DB), "--json"])).stdout);
    expect(listed.workers).toEqual([]);
  });
});
