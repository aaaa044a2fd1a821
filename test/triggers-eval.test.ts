import { readdirSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { STOPPED_CALL } from "../src/executor/builtin/run-task.js";
import { runCli, triggersArgs } from "./helpers/cli.js";
import { REPO, SEED_SKILL as skill } from "./helpers/paths.js";
import { readJsonLines } from "./helpers/run-files.js";

/**
 * `skillgrad triggers eval` with the built-in executor and the sim model (a simulation): the sim
 * agent picks a skill by the documented relevance rule (src/sim/relevance.ts).
 */

const queries = join(REPO, "examples", "triggers", "csv-analyst.queries.jsonl");

interface Probe {
  queryId: string;
  repeat: number;
  shouldTrigger: boolean;
  activated: string | null;
  triggered: boolean;
  decidedBy: string;
  calls: number;
  trajectory: string;
}

const MODEL = "sim:noise=0.1";
const probesOf = (runDir: string): Promise<Probe[]> => readJsonLines(join(runDir, "probes.jsonl"));

async function triggersEval(runsDir: string, ...extra: string[]) {
  const result = await runCli(triggersArgs("eval", skill, queries, MODEL, runsDir, "--json", ...extra));
  expect(result.code, result.stderr).toBe(0);
  const summary = JSON.parse(result.stdout);
  return { summary, probes: await probesOf(summary.runDir) };
}

describe("skillgrad triggers eval (built-in executor, sim model: a simulation)", () => {
  let runsDir: string;
  let run: Awaited<ReturnType<typeof triggersEval>>;

  beforeAll(async () => {
    runsDir = await mkdtemp(join(tmpdir(), "sg-triggers-eval-"));
    run = await triggersEval(runsDir);
  });

  it("detects activation: each run stops at the agent's first tool call, which is not carried out", async () => {
    const { summary, probes } = run;
    expect(probes).toHaveLength(64 * 3);
    const triggered = probes.filter((p) => p.triggered);
    const competitor = probes.filter((p) => p.activated !== null && !p.triggered);
    const none = probes.filter((p) => p.activated === null);
    expect(triggered.length).toBeGreaterThan(20);
    expect(competitor.length).toBeGreaterThan(20);
    expect(none.length).toBeGreaterThan(0);
    for (const probe of [triggered[0], competitor[0]] as Probe[]) {
      const trajectory = JSON.parse(await readFile(join(summary.runDir, probe.trajectory), "utf8"));
      expect(trajectory.steps).toHaveLength(1);
      const [call] = trajectory.steps[0].toolCalls;
      expect(call).toMatchObject({ name: "activate_skill", input: { name: probe.activated } });
      // the activation itself was not carried out: the skill's body never reached the agent
      expect(trajectory.steps[0].toolResults[0]).toMatchObject({ error: true, output: STOPPED_CALL });
      expect(trajectory.outcome).toBe("gave-up");
      // every installed skill was listed to the agent
      for (const name of ["csv-analyst", "chart-maker", "csv-cleaner", "sql-queries"])
        expect(trajectory.system).toContain(`- ${name}: `);
      expect(probe.decidedBy).toBe("activation");
      expect(probe.calls).toBe(1);
    }
    // the summary agrees with the probes
    const m = summary.metrics;
    expect(m.tp).toBe(triggered.filter((p) => p.shouldTrigger).length);
    expect(m.fp).toBe(triggered.filter((p) => !p.shouldTrigger).length);
    expect(m.tp + m.fp + m.fn + m.tn).toBe(probes.length);
    expect(m.ci95.f1[0]).toBeLessThanOrEqual(m.f1);
    expect(m.ci95.f1[1]).toBeGreaterThanOrEqual(m.f1);
    expect(summary.queries.filter((q: { wrong: boolean }) => q.wrong).length).toBe(
      summary.missed.length + summary.falseTriggers.length,
    );
  });

  it("the agent never sees shouldTrigger: flipping every label leaves every activation as it was", async () => {
    const flipped = join(await mkdtemp(join(tmpdir(), "sg-flipped-")), "flipped.jsonl");
    const lines = await readJsonLines(queries);
    await writeFile(
      flipped,
      lines.map((q) => JSON.stringify({ ...q, shouldTrigger: !q.shouldTrigger })).join("\n"),
    );
    const result = await runCli(triggersArgs("eval", skill, flipped, MODEL, runsDir, "--no-cache", "--json"));
    expect(result.code, result.stderr).toBe(0);
    const other = JSON.parse(result.stdout);
    const activations = async (dir: string) =>
      (await probesOf(dir)).map((p) => `${p.queryId}#${p.repeat}:${p.activated}`).sort();
    expect(await activations(other.runDir)).toEqual(await activations(run.summary.runDir));
    expect(other.metrics.tp).toBe(run.summary.metrics.fp);
    expect(other.metrics.fp).toBe(run.summary.metrics.tp);
  });

  it("prints the trigger rates, the intervals and the queries that went the wrong way; writes a report", async () => {
    const result = await runCli(triggersArgs("eval", skill, queries, MODEL, runsDir));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^triggering {2}F1 \d\.\d{3} \(95% CI \d\.\d{3}–\d\.\d{3}\), precision/m);
    expect(result.stdout).toContain("missed (should trigger)");
    expect(result.stdout).toMatch(/p11 {2}rate 0\/3 {2}How many orders in orders\.csv were shipped late\?/);
    const folder = /run folder {2}(\S+)/.exec(result.stdout)?.[1] as string;
    const html = await readFile(join(folder, "report.html"), "utf8");
    expect(html).toContain("trigger evaluation");
    expect(html).toContain("How many orders in orders.csv were shipped late?");
    expect(html).toContain("SIMULATION");
    // `show` prints it again, and `runs` lists its F1
    const shown = await runCli(["show", folder]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^triggering {2}F1 \d\.\d{3}/m);
    const listed = await runCli(["runs", "--runs-dir", runsDir]);
    expect(listed.stdout).toContain("triggers eval");
  });

  it("with no library the skill is alone, and a bad query line is one clear error", async () => {
    const alone = await triggersEval(runsDir, "--no-library");
    expect(alone.summary.library).toEqual([]);
    expect(alone.probes.every((p) => p.activated === null || p.activated === "csv-analyst")).toBe(true);
    expect(alone.summary.metrics.recall).toBeGreaterThanOrEqual(run.summary.metrics.recall);

    const bad = join(await mkdtemp(join(tmpdir(), "sg-bad-queries-")), "bad.jsonl");
    await writeFile(
      bad,
      '{"id": "a", "query": "total of x.csv", "shouldTrigger": true}\n{"id": "b", "query": "hi"}\n',
    );
    const result = await runCli(["triggers", "eval", "--skill", skill, "--queries", bad, "--model", "sim"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("bad.jsonl:2");
    expect(result.stderr).toContain("shouldTrigger");
  });

  it("probes on this machine: --queue is refused with a usage error, not ignored", async () => {
    const own = await mkdtemp(join(tmpdir(), "sg-triggers-queue-"));
    for (const command of ["eval", "optimize"] as const) {
      const result = await runCli(
        triggersArgs(command, skill, queries, "sim", own, "--queue", "redis://127.0.0.1:1"),
      );
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain("--queue goes with eval and optimize");
    }
    expect(readdirSync(own)).toEqual([]);
  });

  it("--help states the trigger default of 3 repeats and offers no grader flag (probes grade nothing)", async () => {
    for (const command of ["eval", "optimize"] as const) {
      const help = await runCli(["triggers", command, "--help"]);
      expect(help.code).toBe(0);
      const repeat = help.stdout.replace(/\s+/g, " ").match(/--repeat <k> [^-]*\(default: (\d+)\)/);
      expect(repeat?.[1]).toBe("3");
      expect(help.stdout).not.toContain("--trust-graders");
      const given = await runCli(triggersArgs(command, skill, queries, "sim", runsDir, "--trust-graders"));
      expect(given.code).toBe(2);
      expect(given.stderr).toContain("--trust-graders");
    }
  });
});
