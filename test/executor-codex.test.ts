import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/paths.js";
import { startServe } from "./helpers/serve.js";

/**
 * The real Codex binary (the pinned devDependency) as the executor, on the sim model that skillgrad
 * serves to it (the `skillgrad serve` code, Responses API, per task run). The sim is a simulation,
 * not a language model: it plays the agent through Codex's shell tool.
 */
const CODEX = join(REPO, "node_modules", ".bin", "codex");
const WORLD = join(REPO, "examples", "sim-world");
const SEED = join(WORLD, "skills", "csv-analyst");

let dir: string;
let tasks: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sg-codex-"));
  await cp(join(WORLD, "files"), join(dir, "files"), { recursive: true });
  const lines = (await readFile(join(WORLD, "tasks.jsonl"), "utf8")).trim().split("\n");
  tasks = join(dir, "tasks.jsonl");
  await writeFile(tasks, `${lines.slice(0, 12).join("\n")}\n`);
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

describe("codex executor: the real codex binary on skillgrad's sim model", () => {
  it("grades every task; Codex lists the skill from .agents/skills and the agent reads it, as the built-in agent would", async () => {
    const codex = await runCli(
      evalArgs(join(dir, "runs-codex"), "--executor", "codex", "--executor-bin", CODEX),
      { timeoutMs: 240_000 },
    );
    expect(codex.code, codex.stderr).toBe(0);
    const summary = JSON.parse(codex.stdout);
    expect(summary).toMatchObject({ executor: "codex", tasks: 12, runs: 12 });
    expect(summary.outcomes.answered).toBe(12);

    const files = await readdir(join(summary.runDir, "trajectories"));
    expect(files).toHaveLength(12);
    for (const file of files) {
      const t = JSON.parse(await readFile(join(summary.runDir, "trajectories", file), "utf8"));
      expect(t.executor).toBe("codex");
      expect(t.grade).toBeDefined();
      // the sim knows the SKILL.md path only from Codex's own skills listing: reading it shows
      // that Codex discovered the skill in .agents/skills/
      const first = t.steps[0].toolCalls[0];
      expect(first).toMatchObject({ name: "activate_skill", input: { name: "csv-analyst" } });
      expect(first.native.name).toBe("command_execution");
      expect(first.native.input.command).toContain(".agents/skills/csv-analyst/SKILL.md");
      expect(t.steps[0].toolResults[0].output).toContain("Rule: thousands-separator");
      expect(t.agent.skillInvoked).toBe(true);
      expect(t.steps[1].toolCalls[0]).toMatchObject({ name: "read_file" });
      expect(t.agent.endpoint).toBe("bridged");
      expect(t.agent.bridge.byApi.responses).toBeGreaterThanOrEqual(3);
    }

    const builtin = await runCli(evalArgs(join(dir, "runs-builtin")), { timeoutMs: 120_000 });
    expect(builtin.code, builtin.stderr).toBe(0);
    expect(summary.passes).toBe(JSON.parse(builtin.stdout).passes);
    expect(summary.passes).toBeGreaterThan(0);
  }, 300_000);

  it("through a separately started `skillgrad serve --model sim` (OpenAI Responses API): the agent's own provider, pointed at serve", async () => {
    const serve = await startServe([
      "--model",
      "sim",
      "--ledger",
      join(dir, "serve-ledger-codex.jsonl"),
      "--cache-dir",
      join(dir, "serve-cache-codex"),
    ]);
    try {
      const lines = (await readFile(tasks, "utf8")).trim().split("\n");
      const three = join(dir, "tasks3-codex.jsonl");
      await writeFile(three, `${lines.slice(0, 3).join("\n")}\n`);
      const run = await runCli(
        [
          "eval",
          "--skill",
          SEED,
          "--tasks",
          three,
          "--model",
          "openai:sim",
          "--executor",
          "codex",
          "--executor-bin",
          CODEX,
          "--runs-dir",
          join(dir, "runs-serve-codex"),
          "--json",
        ],
        {
          env: { OPENAI_BASE_URL: `${serve.url}/v1`, OPENAI_API_KEY: "local-key-for-serve" },
          timeoutMs: 120_000,
        },
      );
      expect(run.code, run.stderr).toBe(0);
      const summary = JSON.parse(run.stdout);
      expect(summary).toMatchObject({ runs: 3, outcomes: { answered: 3 } });
      // serve saw the agent's requests; the ledger holds what the agent reported, one entry per run
      const served = (await readFile(join(dir, "serve-ledger-codex.jsonl"), "utf8"))
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(
        served.filter((line) => line.api === "responses" && line.status === 200).length,
      ).toBeGreaterThanOrEqual(9);
      const ledger = (await readFile(join(summary.runDir, "ledger.jsonl"), "utf8"))
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(ledger).toHaveLength(3);
      for (const entry of ledger) {
        expect(entry).toMatchObject({ role: "executor", model: "openai:sim" });
        expect(entry.inputTokens).toBeGreaterThan(0);
      }
      // skillgrad knows no price for "openai:sim": the dollars are unknown, not made up
      expect(summary.costUsd).toBeNull();
      const [file] = await readdir(join(summary.runDir, "trajectories"));
      const t = JSON.parse(await readFile(join(summary.runDir, "trajectories", file as string), "utf8"));
      expect(t.agent.endpoint).toBe("direct");
    } finally {
      await serve.stop();
    }
  }, 180_000);
});
