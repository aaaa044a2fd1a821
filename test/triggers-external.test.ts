import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, triggersArgs } from "./helpers/cli.js";
import { REPO, SEED_SKILL as SKILL } from "./helpers/paths.js";
import { readJsonLines } from "./helpers/run-files.js";

/**
 * Trigger evaluation through the real command-line agents (the pinned devDependencies) on the sim
 * model that skillgrad serves them on 127.0.0.1. The sim is a simulation, not a language model: it
 * picks a skill from the agent's own listing by the relevance rule (src/sim/relevance.ts).
 */

const CLAUDE = join(REPO, "node_modules", ".bin", "claude");
const CODEX = join(REPO, "node_modules", ".bin", "codex");

interface Probe {
  queryId: string;
  activated: string | null;
  triggered: boolean;
  decidedBy: string;
  trajectory: string;
}

let dir: string;
let queries: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sg-triggers-external-"));
  queries = join(dir, "queries.jsonl");
  await writeFile(
    queries,
    [
      {
        id: "should",
        query: "What is the total revenue in sales.csv for the north region?",
        shouldTrigger: true,
      },
      {
        id: "near-miss",
        query: "Plot monthly revenue from sales.csv as a line chart.",
        shouldTrigger: false,
        note: "near miss: chart-maker",
      },
    ]
      .map((q) => JSON.stringify(q))
      .join("\n"),
  );
});

async function probesWith(executor: string, bin: string) {
  const result = await runCli(
    triggersArgs(
      "eval",
      SKILL,
      queries,
      "sim",
      join(dir, executor),
      "--executor",
      executor,
      "--executor-bin",
      bin,
      "--repeat",
      "1",
      "--json",
    ),
    { timeoutMs: 180_000 },
  );
  expect(result.code, result.stderr).toBe(0);
  const summary = JSON.parse(result.stdout);
  const probes: Probe[] = await readJsonLines(join(summary.runDir, "probes.jsonl"));
  const byId = Object.fromEntries(probes.map((p) => [p.queryId, p]));
  const trajectory = async (id: string) =>
    JSON.parse(await readFile(join(summary.runDir, byId[id]?.trajectory as string), "utf8"));
  return { summary, byId, trajectory };
}

describe("trigger evaluation through the real agents (sim model: a simulation)", () => {
  it("Claude Code: its Skill invocation of the skill is detected for a should-trigger query, and absent for a near miss", async () => {
    const { summary, byId, trajectory } = await probesWith("claude-code", CLAUDE);
    expect(summary.executor).toBe("claude-code");
    expect(byId.should).toMatchObject({ activated: "csv-analyst", triggered: true, decidedBy: "activation" });
    expect(byId["near-miss"]?.triggered).toBe(false);

    const should = await trajectory("should");
    // Claude Code found every installed skill (its init event), and invoked this one with its Skill tool
    expect(should.agent.init.skills).toEqual(
      expect.arrayContaining(["csv-analyst", "chart-maker", "csv-cleaner"]),
    );
    expect(should.agent.invokedSkills).toEqual(["csv-analyst"]);
    expect(should.steps[0].toolCalls[0].native).toMatchObject({
      name: "Skill",
      input: { skill: "csv-analyst" },
    });
    // the run stopped there: no further step, no answer
    expect(should.steps).toHaveLength(1);
    expect(should.outcome).toBe("gave-up");

    const near = await trajectory("near-miss");
    expect(near.agent.invokedSkills).not.toContain("csv-analyst");
    for (const step of near.steps)
      for (const call of step.toolCalls)
        expect(call.native?.name === "Skill" && call.native.input.skill === "csv-analyst").toBe(false);
  });

  it("Codex: the read of the skill's SKILL.md is its activation", async () => {
    const { byId, trajectory } = await probesWith("codex", CODEX);
    expect(byId.should).toMatchObject({ activated: "csv-analyst", triggered: true });
    expect(byId["near-miss"]?.triggered).toBe(false);
    const should = await trajectory("should");
    expect(should.steps[0].toolCalls[0].native.input.command).toContain(
      ".agents/skills/csv-analyst/SKILL.md",
    );
  });
});
