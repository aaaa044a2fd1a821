import { execFileSync, spawn } from "node:child_process";
import { chmod, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, evalNoSkill, runCli } from "./helpers/cli.js";
import { firstTrajectory, fromEachWorkspace, readJsonLines } from "./helpers/run-files.js";

/**
 * External executors against fake agent programs (small shell scripts standing in for `claude`):
 * a crash, a hang, garbage output and a good answer in one run, and what reaches the agent's
 * environment. The fakes run in the same sandbox as the real agents.
 */

const RESULT = (answer: string) =>
  JSON.stringify({
    type: "result",
    subtype: "success",
    is_error: false,
    result: answer,
    num_turns: 1,
    total_cost_usd: 0.0125,
    usage: { input_tokens: 1000, output_tokens: 20, cache_read_input_tokens: 200 },
  });

const FAKE_CLAUDE = `#!/bin/sh
for prompt; do :; done
case "$prompt" in
  *CRASH*) echo '{"type":"system","subtype":"init","tools":[],"skills":[]}'; echo "boom: the agent fell over" >&2; exit 3 ;;
  *HANG*) sleep 1000 & echo $! > child.pid; sleep 1000 ;;
  *GARBLE*) echo 'this is not json'; echo '{"type":"result", broken'; exit 0 ;;
  *ENV*) env > env-dump.txt ;;
esac
echo '{"type":"system","subtype":"init","model":"m","tools":["Read","Skill"],"skills":["x"]}'
echo '${RESULT("4")}'
`;

type Fake = { dir: string; bin: string; executor: "claude-code" | "codex" };

/** A scratch folder with a fake agent program (`script`) that stands in for `executor`'s. */
async function setup(executor: Fake["executor"] = "claude-code", script = FAKE_CLAUDE): Promise<Fake> {
  const dir = await mkdtemp(join(tmpdir(), "sg-fake-cli-"));
  // the fake runs as the sandbox user: it must be able to read its folder
  await chmod(dir, 0o755);
  const bin = join(dir, "fake-agent");
  await writeFile(bin, script);
  await chmod(bin, 0o755);
  return { dir, bin, executor };
}

/** `skillgrad eval` without a skill, with the fake as the external agent; runs go to `<dir>/runs`. */
const fakeEval = (fake: Fake, tasks: string, flags: string[], model = "sim") =>
  evalNoSkill(
    tasks,
    model,
    ...["--executor", fake.executor, "--executor-bin", fake.bin, "--keep-workspaces"],
    ...["--runs-dir", join(fake.dir, "runs"), ...flags],
  );

/** No `sleep 1000` (the fake's hung child) and no fake agent left running anywhere on the machine. */
const survivors = (bin: string) =>
  execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.trim() === "sleep 1000" || line.includes(bin));

async function writeTasks(dir: string, prompts: Record<string, string>) {
  const path = join(dir, "tasks.jsonl");
  await writeFile(
    path,
    Object.entries(prompts)
      .map(([id, prompt]) => JSON.stringify({ id, prompt, expected: "4" }))
      .join("\n"),
  );
  return path;
}

const resultsById = async (runDir: string) =>
  Object.fromEntries((await readJsonLines(join(runDir, "results.jsonl"))).map((r) => [r.taskId, r]));

describe("an external agent that crashes, hangs or prints garbage", () => {
  it("gives each task a clear outcome, kills the hung agent's whole process tree, and carries on", async () => {
    const fake = await setup();
    const { dir, bin } = fake;
    const tasks = await writeTasks(dir, {
      crash: "CRASH: what is 2+2?",
      hang: "HANG: what is 2+2?",
      garble: "GARBLE: what is 2+2?",
      fine: "what is 2+2?",
    });
    const run = await runCli(fakeEval(fake, tasks, ["--task-timeout", "3", "--json"]));
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({
      executor: "claude-code",
      runs: 4,
      passes: 1,
      outcomes: { answered: 1, timeout: 1, error: 2 },
    });
    const byId = await resultsById(summary.runDir);
    expect(byId.crash.error).toMatch(
      /exited with code 3 without a result event; stderr: boom: the agent fell over/,
    );
    expect(byId.hang.outcome).toBe("timeout");
    expect(byId.hang.error).toContain("longer than 3 s");
    expect(byId.garble.error).toMatch(
      /without a result event; 2 line\(s\) of its output were not JSON events/,
    );
    expect(byId.fine).toMatchObject({ pass: true, answer: "4", outcome: "answered" });

    // the hung agent's background child went with it
    const trajectory = JSON.parse(await readFile(join(summary.runDir, byId.hang.trajectory), "utf8"));
    expect(trajectory.outcome).toBe("timeout");
    const childPids = (await fromEachWorkspace(summary.runDir, "child.pid")).filter(Boolean).map(Number);
    expect(childPids).toHaveLength(1);
    expect(childPids[0]).toBeGreaterThan(0);
    // inside bubblewrap the pid is in the sandbox's own namespace: check no `sleep 1000` survives at all
    expect(survivors(bin)).toEqual([]);
  }, 60_000);
});

describe("skillgrad killed while an external agent runs", () => {
  it("takes the agent and everything it started with it", async () => {
    const fake = await setup();
    const { dir, bin } = fake;
    const tasks = await writeTasks(dir, { hang: "HANG: what is 2+2?" });
    const runs = join(dir, "runs");
    const child = spawn(process.execPath, [CLI, ...fakeEval(fake, tasks, ["--quiet"])], { stdio: "ignore" });
    // wait until the fake agent has started its background child
    let started = false;
    for (let waited = 0; waited < 30_000 && !started; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const [run] = await readdir(runs).catch(() => []);
      const spaces = run ? await readdir(join(runs, run, "workspaces")).catch(() => []) : [];
      for (const ws of spaces)
        if (await readFile(join(runs, run as string, "workspaces", ws, "child.pid"), "utf8").catch(() => ""))
          started = true;
    }
    expect(started).toBe(true);
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    let left: string[] = [];
    for (let waited = 0; waited < 5_000; waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = survivors(bin);
      if (left.length === 0) break;
    }
    expect(left).toEqual([]);
  }, 60_000);
});

describe("what reaches an external agent's environment", () => {
  const parentEnv = {
    SKILLGRAD_CANARY_SECRET: "canary-value-7f3a9c",
    OPENAI_API_KEY: "sk-parent-openai-5d1e2b",
    ANTHROPIC_API_KEY: "sk-parent-anthropic-9c4f1a",
    AWS_SECRET_ACCESS_KEY: "aws-parent-secret-2b8e6d",
    GITHUB_TOKEN: "ghp-parent-token-4a7c3e",
  };

  async function envDump(model: string) {
    const fake = await setup();
    const tasks = await writeTasks(fake.dir, { env: "ENV: what is 2+2?" });
    const run = await runCli(fakeEval(fake, tasks, ["--json"], model), { env: parentEnv });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    const [dump = ""] = await fromEachWorkspace(summary.runDir, "env-dump.txt");
    expect(dump).toContain("PATH=");
    const vars = new Map(
      dump
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const),
    );
    return { summary, vars, dump };
  }

  /**
   * What of the parent reached the agent: a secret anywhere in its environment, or any variable
   * whose value is one of the parent's values (outside the names the sandbox sets itself).
   */
  function leaked(vars: Map<string, string>, dump: string, allowed: string[]) {
    const parentValues = new Set(
      Object.values({ ...process.env, ...parentEnv }).filter((v): v is string => !!v && v.length >= 6),
    );
    const secrets = Object.entries(parentEnv).filter(
      ([name, value]) => !allowed.includes(name) && dump.includes(value),
    );
    const copies = [...vars].filter(([name, value]) => !allowed.includes(name) && parentValues.has(value));
    return [...secrets, ...copies];
  }

  /** Names the sandbox sets itself (their values may equal the parent's by coincidence). */
  const OWN = ["PATH", "LANG", "LC_ALL", "TERM", "HOME", "TMPDIR", "PWD", "SHLVL", "OLDPWD", "_"];

  it("bridged to a skillgrad model: no parent variable at all, a throwaway key", async () => {
    const { vars, dump } = await envDump("sim");
    expect(leaked(vars, dump, OWN)).toEqual([]);
    expect(vars.get("ANTHROPIC_API_KEY")).toMatch(/^skillgrad-bridge-/);
    expect(vars.get("ANTHROPIC_BASE_URL")).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(vars.get("HOME")).not.toBe(process.env.HOME);
  }, 60_000);

  it("direct to its own provider: only the model key, and its reported usage lands in the ledger", async () => {
    const { summary, vars, dump } = await envDump("anthropic:claude-haiku-4-5");
    expect(vars.get("ANTHROPIC_API_KEY")).toBe(parentEnv.ANTHROPIC_API_KEY);
    expect(vars.has("ANTHROPIC_BASE_URL")).toBe(true);
    expect(leaked(vars, dump, ["ANTHROPIC_API_KEY", ...OWN])).toEqual([]);
    // the agent's tokens are the ledger's: 1000 input (+200 cached) and 20 output, at skillgrad's
    // price for claude-haiku-4-5 ($1 / $0.10 / $5 per million): $0.00112 (its own $0.0125 is kept aside)
    expect(summary.costUsd).toBeCloseTo(0.00112, 6);
    expect(summary.tokens).toEqual({ input: 1200, cachedInput: 200, output: 20 });
    const ledger = (await readFile(join(summary.runDir, "ledger.jsonl"), "utf8")).trim().split("\n");
    expect(ledger).toHaveLength(1);
    expect((await firstTrajectory(summary.runDir)).agent).toMatchObject({
      endpoint: "direct",
      reportedUsage: { ownCostUsd: 0.0125 },
    });
    expect(JSON.parse(ledger[0] as string)).toMatchObject({
      role: "executor",
      model: "anthropic:claude-haiku-4-5",
    });
  }, 60_000);
});

const CODEX_OK = [
  { type: "thread.started", thread_id: "t1" },
  { type: "turn.started" },
  { type: "item.completed", item: { id: "item_0", type: "agent_message", text: "4" } },
  { type: "turn.completed", usage: { input_tokens: 500, cached_input_tokens: 100, output_tokens: 7 } },
]
  .map((event) => `echo '${JSON.stringify(event)}'`)
  .join("\n");

const FAKE_CODEX = `#!/bin/sh
for prompt; do :; done
case "$prompt" in
  *CRASH*) echo "codex: cannot load config" >&2; exit 2 ;;
  *GARBLE*) echo '<html>502 Bad Gateway</html>'; exit 0 ;;
  *FAIL*) echo '{"type":"turn.started"}'; echo '{"type":"turn.failed","error":{"message":"stream disconnected before completion"}}'; exit 1 ;;
  *LOOP*)
    echo '{"type":"turn.started"}'
    i=0
    while [ $i -lt 50 ]; do
      echo '{"type":"item.completed","item":{"id":"item_'$i'","type":"command_execution","command":"ls","aggregated_output":"","exit_code":0}}'
      i=$((i+1))
    done
    sleep 1000 ;;
  *ENV*) env > env-dump.txt ;;
esac
${CODEX_OK}
`;

describe("a fake codex: each failure is that task's outcome", () => {
  it("crash, garbage, a failed turn and a run past the turn limit; the good task passes", async () => {
    const fake = await setup("codex", FAKE_CODEX);
    const { dir } = fake;
    const tasks = await writeTasks(dir, {
      crash: "CRASH: what is 2+2?",
      garble: "GARBLE: what is 2+2?",
      fail: "FAIL: what is 2+2?",
      loop: "LOOP: what is 2+2?",
      env: "ENV: what is 2+2?",
    });
    const run = await runCli(fakeEval(fake, tasks, ["--max-turns", "3", "--task-timeout", "20", "--json"]), {
      env: { OPENAI_API_KEY: "sk-parent-openai-5d1e2b" },
    });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({
      executor: "codex",
      runs: 5,
      passes: 1,
      outcomes: { answered: 1, "max-turns": 1, error: 3 },
    });
    const byId = await resultsById(summary.runDir);
    expect(byId.crash.error).toMatch(
      /codex exited with code 2 without completing its turn; stderr: codex: cannot load config/,
    );
    expect(byId.garble.error).toMatch(
      /1 line\(s\) of its output were not JSON events \(first: "<html>502 Bad Gateway<\/html>"\)/,
    );
    expect(byId.fail.error).toBe("codex failed: stream disconnected before completion");
    expect(byId.loop.error).toContain("no answer after 3 steps");
    // stopped at once, long before the task timeout
    expect(byId.loop.ms).toBeLessThan(15_000);
    expect(byId.env).toMatchObject({ pass: true, answer: "4" });
    const dump = (await fromEachWorkspace(summary.runDir, "env-dump.txt")).join("");
    expect(dump).toMatch(/^OPENAI_API_KEY=skillgrad-bridge-/m);
    expect(dump).not.toContain("sk-parent-openai-5d1e2b");
  }, 90_000);
});
