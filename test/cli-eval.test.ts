import { existsSync, readdirSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evalNoSkill, runCli, simWorldEval, SIM_WORLD_TASKS as worldTasks } from "./helpers/cli.js";
import { useFakeOpenAI } from "./helpers/fake-openai.js";
import { filesUnder, tempDir, writeTasks } from "./helpers/files.js";
import { FIXTURE_SKILLS, SEED_SKILL as seedSkill } from "./helpers/paths.js";

/** `skillgrad eval` of the seed skill on the sim world with the sim model (a simulation). */
const simEval = (runsDir: string, ...extra: string[]) => simWorldEval("sim", runsDir, ...extra);

describe("skillgrad eval on the sim world (a simulation)", () => {
  it("runs every task, prints the summary as JSON, and writes the whole run folder", async () => {
    const dir = await tempDir();
    const result = await runCli(simEval(dir, "--json"), {
      env: { OPENAI_API_KEY: "sk-secret-value-never-stored-123456" },
    });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      tasks: 60,
      runs: 60,
      passes: 20,
      passRate: 0.3333,
      calls: expect.any(Number),
    });
    expect(summary.ci95[0]).toBeLessThan(0.3333);
    expect(summary.ci95[1]).toBeGreaterThan(0.3333);
    expect(Object.keys(summary)).toEqual(
      expect.arrayContaining(["runId", "runDir", "meanScore", "tokens", "costUsd", "cachedCalls", "wallMs"]),
    );
    expect(summary.tokens).toEqual({ input: expect.any(Number), cachedInput: 0, output: expect.any(Number) });
    expect(summary.costUsd).toBe(0);
    const runDir = summary.runDir as string;
    for (const file of ["config.json", "ledger.jsonl", "events.jsonl", "summary.json", "results.jsonl"]) {
      expect(existsSync(join(runDir, file)), file).toBe(true);
    }
    expect(readdirSync(join(runDir, "trajectories"))).toHaveLength(60);
    const ledger = (await readFile(join(runDir, "ledger.jsonl"), "utf8")).trim().split("\n");
    expect(ledger).toHaveLength(summary.calls);
    for (const file of await filesUnder(dir)) {
      expect(await readFile(file, "utf8"), file).not.toContain("sk-secret-value");
    }
  });

  it("a second identical eval is answered from the cache: no model call", async () => {
    const dir = await tempDir();
    const args = simEval(dir, "--json");
    const first = JSON.parse((await runCli(args)).stdout);
    const second = JSON.parse((await runCli(args)).stdout);
    expect(second.calls).toBe(first.calls);
    expect(second.cachedCalls).toBe(second.calls);
    expect(second.passRate).toBe(first.passRate);
    const noCache = JSON.parse((await runCli([...args, "--no-cache"])).stdout);
    expect(noCache.cachedCalls).toBe(0);
  });

  it("--no-skill runs the baseline and --repeat runs each task k times", async () => {
    const dir = await tempDir();
    const baseline = await runCli(evalNoSkill(worldTasks, "sim", "--runs-dir", dir, "--json"));
    expect(JSON.parse(baseline.stdout)).toMatchObject({ skill: null, passRate: 0.1667 });
    const repeated = await runCli(simEval(dir, "--json", "--repeat", "2"));
    expect(JSON.parse(repeated.stdout)).toMatchObject({ tasks: 60, runs: 120 });
  });

  it("prints a readable summary that says sim is a simulation", async () => {
    const dir = await tempDir();
    const result = await runCli(simEval(dir));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/pass rate\s+33\.3% \(20\/60\), 95% CI/);
    expect(result.stdout).toContain("simulation");
    expect(result.stderr).toContain("run folder");
  });
});

describe("skillgrad eval with bad input", () => {
  it("names the missing API key before doing any work", async () => {
    const dir = await tempDir();
    const result = await runCli(
      [
        "eval",
        "--skill",
        seedSkill,
        "--tasks",
        worldTasks,
        "--model",
        "openai:gpt-4.1-mini",
        "--runs-dir",
        dir,
      ],
      { env: { OPENAI_API_KEY: "" } },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("OPENAI_API_KEY");
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("names file and line of a malformed task", async () => {
    const dir = await tempDir();
    const tasks = join(dir, "tasks.jsonl");
    await writeFile(tasks, '{"id": "a", "prompt": "x", "expected": "1"}\n{"id": "b", "prompt": }\n');
    const result = await runCli(evalNoSkill(tasks, "sim", "--runs-dir", dir));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/tasks\.jsonl:2: not valid JSON/);
  });

  it("lists the problems of a skill that does not validate and runs nothing", async () => {
    const dir = await tempDir();
    const result = await runCli([
      "eval",
      "--skill",
      join(FIXTURE_SKILLS, "bad", "name-mismatch"),
      "--tasks",
      worldTasks,
      "--model",
      "sim",
      "--runs-dir",
      dir,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("does not validate");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("asks for --skill or --no-skill, and rejects bad numbers as usage errors", async () => {
    expect((await runCli(["eval", "--tasks", worldTasks, "--model", "sim"])).code).toBe(2);
    const bad = await runCli(evalNoSkill(worldTasks, "sim", "--concurrency", "0"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--concurrency");
  });
});

describe("skillgrad eval against a local OpenAI-compatible server", () => {
  const fake = useFakeOpenAI();
  let server: Awaited<ReturnType<typeof fake.start>> | undefined;

  const model = () => `openai-compatible:${server?.url}#fake`;

  it("grades an agent that loops to max turns, crashes or times out as failed, and goes on", async () => {
    server = await fake.start((request) => {
      if (request.text.includes("LOOP")) return { toolCall: { name: "list_files", arguments: {} } };
      if (request.text.includes("CRASH")) return { status: 200, body: "this is not JSON" };
      if (request.text.includes("SLOW"))
        return { delayMs: 4000, reply: { toolCall: { name: "finish", arguments: { answer: "4" } } } };
      return { toolCall: { name: "finish", arguments: { answer: "4" } } };
    });
    const dir = await tempDir();
    const tasks = await writeTasks(dir, [
      { id: "loop", prompt: "LOOP: what is 2+2?", expected: "4" },
      { id: "crash", prompt: "CRASH: what is 2+2?", expected: "4" },
      { id: "slow", prompt: "SLOW: what is 2+2?", expected: "4" },
      { id: "fine", prompt: "what is 2+2?", expected: "4" },
    ]);
    const config = join(dir, "config.json");
    await writeFile(config, JSON.stringify({ maxRetries: 0 }));
    const result = await runCli(
      evalNoSkill(
        tasks,
        model(),
        "--runs-dir",
        join(dir, "runs"),
        "--json",
        "--max-turns",
        "3",
        "--task-timeout",
        "2",
        "--config",
        config,
      ),
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      runs: 4,
      passes: 1,
      outcomes: { answered: 1, "max-turns": 1, timeout: 1, error: 1 },
    });
    const results = (await readFile(join(summary.runDir, "results.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const byId = Object.fromEntries(results.map((r) => [r.taskId, r]));
    expect(byId.loop.feedback).toContain("no answer after 3 turns");
    expect(byId.crash.feedback).toContain("agent crashed");
    expect(byId.slow.feedback).toContain("longer than 2 s");
    expect(byId.fine.pass).toBe(true);
    expect(summary.costUsd).toBeNull();
  });

  it("runs the agent's shell commands in the sandbox (Python with openpyxl, the workspace files, no secrets)", async () => {
    server = await fake.start((request) => {
      const toolMessages = request.messages.filter((m) => m.role === "tool");
      if (toolMessages.length === 0) {
        const script =
          "import os, openpyxl; print(open('numbers.txt').read().split()[1], 'key' if 'OPENAI_API_KEY' in os.environ else 'nokey')";
        return { toolCall: { name: "run_shell", arguments: { command: `python3 -c "${script}"` } } };
      }
      const said = JSON.stringify(toolMessages.at(-1)?.content);
      const answer =
        /exit code 0.*stdout:\\n(\d+) nokey/.exec(said)?.[1] ?? `unexpected: ${said.slice(0, 300)}`;
      return { toolCall: { name: "finish", arguments: { answer } } };
    });
    const dir = await tempDir();
    await writeFile(join(dir, "numbers.txt"), "41 42 43\n");
    const tasks = await writeTasks(dir, [
      { id: "shell", prompt: "What is the second number?", files: ["numbers.txt"], expected: "42" },
    ]);
    const result = await runCli(
      evalNoSkill(tasks, model(), "--runs-dir", join(dir, "runs"), "--json", "--sandbox", "bwrap"),
      { env: { OPENAI_API_KEY: "sk-should-not-reach-the-sandbox" } },
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    const results = (await readFile(join(summary.runDir, "results.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(results[0].feedback).not.toContain("unexpected");
    expect(summary.passes).toBe(1);
  });

  it("stops with a clear error when the endpoint goes away, keeping the completed work", async () => {
    let calls = 0;
    server = await fake.start(() => {
      calls++;
      return { toolCall: { name: "finish", arguments: { answer: "4" } } };
    });
    const dir = await tempDir();
    const first = { id: "first", prompt: "what is 2+2?", expected: "4" };
    const tasks = await writeTasks(dir, [
      first,
      { id: "second", prompt: "and what is 2+2 now?", expected: "4" },
    ]);
    const config = join(dir, "config.json");
    await writeFile(config, JSON.stringify({ maxRetries: 1, retryBaseDelayMs: 10 }));
    const model = `openai-compatible:${server.url}#fake`;
    const runs = join(dir, "runs");
    const args = evalNoSkill(tasks, model, "--runs-dir", runs, "--concurrency", "1", "--config", config);
    const warm = await runCli(args);
    expect(warm.code).toBe(0);
    expect(calls).toBe(2);
    await server.close();
    server = undefined;
    // "first" is answered from the cache; "third" is new work and the endpoint is gone
    await writeTasks(dir, [first, { id: "third", prompt: "what is 3+1?", expected: "4" }]);
    const warmRuns = new Set(readdirSync(runs));
    const result = await runCli(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("could not reach");
    expect(result.stderr).toContain("after 2 attempts");
    // run ids sort by the second they start in: two runs of one second are told apart by what existed before
    const newest = readdirSync(runs).find((name) => !name.startsWith(".") && !warmRuns.has(name)) ?? "";
    const results = (await readFile(join(runs, newest, "results.jsonl"), "utf8")).trim().split("\n");
    expect(results.map((line) => JSON.parse(line).taskId)).toEqual(["first"]);
    expect(await readFile(join(runs, newest, "events.jsonl"), "utf8")).toContain("eval-stopped");
  });
});
