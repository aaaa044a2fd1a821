import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { agentBin, checkDirectThroughServe, SEED, simEval, simWorldCopy } from "./helpers/agent-binaries.js";
import { runCli } from "./helpers/cli.js";
import { readJsonLines, readTrajectories } from "./helpers/run-files.js";

/**
 * The real Claude Code binary (the pinned devDependency) as the executor, on the sim model that
 * skillgrad serves to it on 127.0.0.1 (the `skillgrad serve` code, started per task run). The sim
 * is a simulation, not a language model: it plays the agent through Claude Code's own tools.
 */
const CLAUDE = agentBin("claude");

let dir: string;
let tasks: string;
let tasks16: string;
let tasks3: string;

beforeAll(async () => {
  const world = await simWorldCopy("sg-claude-", [12, 16, 3]);
  dir = world.dir;
  [tasks, tasks16, tasks3] = world.tasks as [string, string, string];
});

describe("claude-code executor: the real claude binary on skillgrad's sim model", () => {
  it("grades every task, finds the skill (init list) and invokes it (Skill), as the built-in agent would", async () => {
    const summary = await simEval(tasks, join(dir, "runs-claude"), { executor: "claude-code", bin: CLAUDE });
    expect(summary).toMatchObject({ executor: "claude-code", tasks: 12, runs: 12 });
    expect(summary.outcomes.answered).toBe(12);

    const trajectories = await readTrajectories(join(summary.runDir, "trajectories"));
    expect(trajectories).toHaveLength(12);
    for (const t of trajectories) {
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
    const base = await simEval(tasks, join(dir, "runs-builtin"));
    expect(summary.passes).toBe(base.passes);
    expect(summary.passes).toBeGreaterThan(0);
    expect(summary.passes).toBeLessThan(12);
    // the ledger holds the bridge's calls under the executor role, none counted twice
    const ledger = await readJsonLines(join(summary.runDir, "ledger.jsonl"));
    expect(ledger.every((entry) => entry.role === "executor")).toBe(true);
    const requests = trajectories.reduce((sum, t) => sum + (t.agent.bridge.modelCalls as number), 0);
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
    const executed = await readTrajectories(join(iteration, "execute", "trajectories"));
    expect(executed).toHaveLength(4);
    for (const t of executed) expect(t.executor).toBe("claude-code");
    // the batch had failures: they were diagnosed from the Claude Code trajectories and the skill patched
    const diagnoses = JSON.parse(await readFile(join(iteration, "diagnoses.json"), "utf8"));
    expect(diagnoses.length).toBeGreaterThan(0);
    // the diagnoser found the data the agent read (Claude Code's Read) in the trajectory
    expect(diagnoses[0].whatHappened).toMatch(/the data gives/);
    expect(summary.final.version).toBe("v001");
    expect(summary.final.hash).not.toBe(summary.seed.hash);
  }, 300_000);

  it("through a separately started `skillgrad serve --model sim` (Anthropic Messages API): the agent's own provider, pointed at serve", async () => {
    await checkDirectThroughServe(
      { executor: "claude-code", bin: CLAUDE, provider: "anthropic" },
      dir,
      tasks3,
    );
  }, 180_000);
});
