import { cp, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/paths.js";

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
});
