import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { agentBin, checkDirectThroughServe, simEval, simWorldCopy } from "./helpers/agent-binaries.js";
import { readTrajectories } from "./helpers/run-files.js";

/**
 * The real Codex binary (the pinned devDependency) as the executor, on the sim model that skillgrad
 * serves to it (the `skillgrad serve` code, Responses API, per task run). The sim is a simulation,
 * not a language model: it plays the agent through Codex's shell tool.
 */
const CODEX = agentBin("codex");

let dir: string;
let tasks: string;
let tasks3: string;

beforeAll(async () => {
  const world = await simWorldCopy("sg-codex-", [12, 3]);
  dir = world.dir;
  [tasks, tasks3] = world.tasks as [string, string];
});

describe("codex executor: the real codex binary on skillgrad's sim model", () => {
  it("grades every task; Codex lists the skill from .agents/skills and the agent reads it, as the built-in agent would", async () => {
    const summary = await simEval(tasks, join(dir, "runs-codex"), { executor: "codex", bin: CODEX });
    expect(summary).toMatchObject({ executor: "codex", tasks: 12, runs: 12 });
    expect(summary.outcomes.answered).toBe(12);

    const trajectories = await readTrajectories(join(summary.runDir, "trajectories"));
    expect(trajectories).toHaveLength(12);
    for (const t of trajectories) {
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

    expect(summary.passes).toBe((await simEval(tasks, join(dir, "runs-builtin"))).passes);
    expect(summary.passes).toBeGreaterThan(0);
  }, 300_000);

  it("through a separately started `skillgrad serve --model sim` (OpenAI Responses API): the agent's own provider, pointed at serve", async () => {
    await checkDirectThroughServe({ executor: "codex", bin: CODEX, provider: "openai" }, dir, tasks3);
  }, 180_000);
});
