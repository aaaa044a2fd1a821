import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/paths.js";
import { startServe } from "./helpers/serve.js";

/**
 * The real Claude Code binary (the pinned devDependency) as the executor, on the sim model that
 * skillgrad serves to it on 127.0.0.1 (the `skillgrad serve` code, started per task run). The sim
 * is a simulation, not a language model: it plays the agent through Claude Code's own tools.
 */
const CLAUDE = join(REPO, "node_modules", ".bin", "claude");
const WORLD = join(REPO, "examples", "sim-world");
const SEED = join(WORLD, "skills", "csv-analyst");

let dir: string;
let tasks: string;
let tasks16: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sg-claude-"));
  await cp(join(WORLD, "files"), join(dir, "files"), { recursive: true });
  const lines = (await readFile(join(WORLD, "tasks.jsonl"), "utf8")).trim().split("\n");
  tasks = join(dir, "tasks.jsonl");
  await writeFile(tasks, `${lines.slice(0, 12).join("\n")}\n`);
  tasks16 = join(dir, "tasks16.jsonl");
  await writeFile(tasks16, `${lines.slice(0, 16).join("\n")}\n`);
});

const evalArgs = (runs: string, ...extra: string[]) => [
  "eval",
  "--skill",
  SEED,
  "--tasks",
  tasks,
  "--model",
  "sim",
  "--runs-dir",
  runs,
  "--concurrency",
  "3",
  "--json",
  ...extra,
];

describe("claude-code executor: the real claude binary on skillgrad's sim model", () => {
  it("grades every task, finds the skill (init list) and invokes it (Skill), as the built-in agent would", async () => {
    const claude = await runCli(
      evalArgs(join(dir, "runs-claude"), "--executor", "claude-code", "--executor-bin", CLAUDE),
      { timeoutMs: 240_000 },
    );
    expect(claude.code, claude.stderr).toBe(0);
    const summary = JSON.parse(claude.stdout);
    expect(summary).toMatchObject({ executor: "claude-code", tasks: 12, runs: 12 });
    expect(summary.outcomes.answered).toBe(12);

    const files = await readdir(join(summary.runDir, "trajectories"));
    expect(files).toHaveLength(12);
    for (const file of files) {
      const t = JSON.parse(await readFile(join(summary.runDir, "trajectories", file), "utf8"));
      expect(t.executor).toBe("claude-code");
      expect(t.grade).toBeDefined();
      // the skill in Claude Code's init list, and its invocation with the Skill tool in the trajectory
      expect(t.agent.init.skills).toContain("csv-analyst");
      expect(t.agent.skillListed).toBe(true);
      expect(t.agent.invokedSkills).toEqual(["csv-analyst"]);
      const first = t.steps[0].toolCalls[0];
      expect(first).toMatchObject({ name: "activate_skill", input: { name: "csv-analyst" } });
      expect(first.native).toMatchObject({ name: "Skill", input: { skill: "csv-analyst" } });
      // what the Skill tool loaded is the skill's body, as Claude Code sent it
      expect(t.steps[0].toolResults[0].output).toContain("Rule: thousands-separator");
      // the data file was read with Read, and appears under the shared name
      expect(t.steps[1].toolCalls[0]).toMatchObject({ name: "read_file", native: { name: "Read" } });
      // every model call went through the bridge; Claude Code's own figures are kept beside them
      expect(t.agent.endpoint).toBe("bridged");
      expect(t.agent.bridge.byApi.messages).toBeGreaterThanOrEqual(3);
      expect(t.usage.input).toBeGreaterThan(0);
    }

    // the same simulated agent in the built-in harness reaches the same answers: the executor
    // changes how the skill is delivered, not what the skill says
    const builtin = await runCli(evalArgs(join(dir, "runs-builtin")), { timeoutMs: 120_000 });
    expect(builtin.code, builtin.stderr).toBe(0);
    const base = JSON.parse(builtin.stdout);
    expect(summary.passes).toBe(base.passes);
    expect(summary.passes).toBeGreaterThan(0);
    expect(summary.passes).toBeLessThan(12);
    // the ledger holds the bridge's calls under the executor role, none counted twice
    const ledger = (await readFile(join(summary.runDir, "ledger.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(ledger.every((entry) => entry.role === "executor")).toBe(true);
    const requests = (
      await Promise.all(
        files.map(async (file) => {
          const t = JSON.parse(await readFile(join(summary.runDir, "trajectories", file), "utf8"));
          return t.agent.bridge.modelCalls as number;
        }),
      )
    ).reduce((a, b) => a + b, 0);
    expect(ledger).toHaveLength(requests);
  }, 300_000);

  it("optimize runs a full iteration with --executor claude-code: execute, diagnose the Claude Code trajectories, patch", async () => {
    const run = await runCli(
      [
        "optimize",
        "--skill",
        SEED,
        "--tasks",
        tasks16,
        "--model",
        "sim",
        "--executor",
        "claude-code",
        "--executor-bin",
        CLAUDE,
        "--split",
        "ratio:pool=0.5,validation=0.125,test=0.375",
        "--train-size",
        "4",
        "--batch-size",
        "4",
        "--iterations",
        "1",
        "--concurrency",
        "3",
        "--runs-dir",
        join(dir, "runs-optimize"),
        "--json",
      ],
      { timeoutMs: 300_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ iterations: 1, status: "done" });
    const config = JSON.parse(await readFile(join(summary.runDir, "config.json"), "utf8"));
    expect(config.settings.executor).toEqual({ kind: "claude-code", bin: CLAUDE });
    const iteration = join(summary.runDir, "iterations", "001");
    const executed = await readdir(join(iteration, "execute", "trajectories"));
    expect(executed).toHaveLength(4);
    for (const file of executed) {
      const t = JSON.parse(await readFile(join(iteration, "execute", "trajectories", file), "utf8"));
      expect(t.executor).toBe("claude-code");
    }
    // the batch had failures: they were diagnosed from the Claude Code trajectories and the skill patched
    const diagnoses = JSON.parse(await readFile(join(iteration, "diagnoses.json"), "utf8"));
    expect(diagnoses.length).toBeGreaterThan(0);
    // the diagnoser found the data the agent read (Claude Code's Read) in the trajectory
    expect(diagnoses[0].whatHappened).toMatch(/the data gives/);
    expect(summary.final.version).toBe("v001");
    expect(summary.final.hash).not.toBe(summary.seed.hash);
  }, 300_000);

  it("through a separately started `skillgrad serve --model sim` (Anthropic Messages API): the agent's own provider, pointed at serve", async () => {
    const serve = await startServe([
      "--model",
      "sim",
      "--ledger",
      join(dir, "serve-ledger-claude-code.jsonl"),
      "--cache-dir",
      join(dir, "serve-cache-claude-code"),
    ]);
    try {
      const lines = (await readFile(tasks, "utf8")).trim().split("\n");
      const three = join(dir, "tasks3-claude-code.jsonl");
      await writeFile(three, `${lines.slice(0, 3).join("\n")}\n`);
      const run = await runCli(
        [
          "eval",
          "--skill",
          SEED,
          "--tasks",
          three,
          "--model",
          "anthropic:sim",
          "--executor",
          "claude-code",
          "--executor-bin",
          CLAUDE,
          "--runs-dir",
          join(dir, "runs-serve-claude-code"),
          "--json",
        ],
        {
          env: { ANTHROPIC_BASE_URL: serve.url, ANTHROPIC_API_KEY: "local-key-for-serve" },
          timeoutMs: 120_000,
        },
      );
      expect(run.code, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout);
      expect(summary).toMatchObject({ runs: 3, outcomes: { answered: 3 } });
      // serve saw the agent's requests; the ledger holds what the agent reported, one entry per run
      const served = (await readFile(join(dir, "serve-ledger-claude-code.jsonl"), "utf8"))
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(
        served.filter((line) => line.api === "messages" && line.status === 200).length,
      ).toBeGreaterThanOrEqual(9);
      const ledger = (await readFile(join(summary.runDir, "ledger.jsonl"), "utf8"))
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(ledger).toHaveLength(3);
      for (const entry of ledger) {
        expect(entry).toMatchObject({ role: "executor", model: "anthropic:sim" });
        expect(entry.inputTokens).toBeGreaterThan(0);
      }
      // skillgrad knows no price for "anthropic:sim": the dollars are unknown, not made up
      expect(summary.costUsd).toBeNull();
      const [file] = await readdir(join(summary.runDir, "trajectories"));
      const t = JSON.parse(await readFile(join(summary.runDir, "trajectories", file as string), "utf8"));
      expect(t.agent.endpoint).toBe("direct");
    } finally {
      await serve.stop();
    }
  }, 180_000);
});
