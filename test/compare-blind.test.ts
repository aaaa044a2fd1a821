import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatRule } from "../src/sim/library/rules.js";
import { loadSkill, skillHash } from "../src/skill/index.js";
import { runCli } from "./helpers/cli.js";
import { type ChatRequest, startFakeOpenAI } from "./helpers/fake-openai.js";
import { EXAMPLE_WORLD, exampleWorld, SEED_SKILL, skillWith } from "./helpers/sim-world.js";

/**
 * `skillgrad compare` end to end: the two skills run on the sim world with the sim executor (a
 * simulation); the judge is either a scripted model on a local fake OpenAI server (so every prompt it
 * got can be read) or the sim judge.
 */

const tasks = join(EXAMPLE_WORLD, "tasks.jsonl");

interface Judged {
  summary: {
    winRateB: number;
    winRateA: number;
    ci95B: [number, number];
    winsA: number;
    winsB: number;
    ties: number;
    judged: number;
    pairs: number;
    seed: number;
    runDir: string;
  };
  judgments: Array<{ taskId: string; first: "a" | "b"; verdict: string; winner: string }>;
}

describe("skillgrad compare: a blind judge", async () => {
  const world = await exampleWorld();
  let better: string;
  let runsDir: string;
  let judge: Awaited<ReturnType<typeof startFakeOpenAI>>;
  const prompts: ChatRequest[] = [];

  beforeAll(async () => {
    // B states every family's rules in the skill's rule syntax: it answers more tasks right than A
    const rules = world.families.flatMap((family) => family.needs.map(formatRule));
    better = await skillWith(SEED_SKILL, ["## More conventions", "", ...rules]);
    runsDir = await mkdtemp(join(tmpdir(), "sg-compare-"));
    // a judge with no preference between the outputs: it always says the first one shown is better
    judge = await startFakeOpenAI((request) => {
      prompts.push(request);
      return { text: JSON.stringify({ better: "first", reason: "Output 1 reads better to me." }) };
    });
  });
  afterAll(async () => {
    await judge?.close();
  });

  async function compare(skillA: string, skillB: string, judgeModel: string): Promise<Judged> {
    const result = await runCli([
      "compare",
      "--skill-a",
      skillA,
      "--skill-b",
      skillB,
      "--tasks",
      tasks,
      "--executor-model",
      "sim",
      "--judge-model",
      judgeModel,
      "--model",
      "sim",
      "--runs-dir",
      runsDir,
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as Judged["summary"];
    const lines = (await readFile(join(summary.runDir, "judgments.jsonl"), "utf8")).trim().split("\n");
    return { summary, judgments: lines.map((line) => JSON.parse(line)) };
  }

  it("a judge with no preference: swapping A and B leaves B's win rate unchanged, and near 50%", async () => {
    const fake = `openai-compatible:${judge.url}#judge`;
    const forward = await compare(SEED_SKILL, better, fake);
    const swapped = await compare(better, SEED_SKILL, fake);
    expect(forward.summary.pairs).toBe(world.tasks.length);
    expect(forward.summary.judged).toBe(world.tasks.length);
    expect(swapped.summary.winRateB).toBe(forward.summary.winRateB);
    expect(swapped.summary.winRateA).toBe(forward.summary.winRateA);
    for (const run of [forward, swapped]) {
      const [low, high] = run.summary.ci95B;
      expect(low).toBeLessThan(0.5);
      expect(high).toBeGreaterThan(0.5);
    }
    // the recorded order is the seed's coin per task, the same whichever skill is A
    const order = (run: Judged) => Object.fromEntries(run.judgments.map((j) => [j.taskId, j.first]));
    expect(order(swapped)).toEqual(order(forward));
    const firsts = Object.values(order(forward));
    expect(firsts.filter((side) => side === "a").length).toBeGreaterThan(world.tasks.length * 0.3);
    expect(firsts.filter((side) => side === "b").length).toBeGreaterThan(world.tasks.length * 0.3);
    for (const j of forward.judgments) expect(j.winner).toBe(j.first);
  });

  it("no output reaches the judge labelled with its skill, version, hash or folder", async () => {
    // (a prompt the swapped run repeats word for word is answered from the response cache)
    expect(prompts.length).toBeGreaterThanOrEqual(world.tasks.length);
    const skills = [await loadSkill(SEED_SKILL), await loadSkill(better)];
    const telltales = [
      ...skills.flatMap((skill) => [skill.name, skillHash(skill).slice(0, 12), skill.dir]),
      SEED_SKILL,
      better,
      runsDir,
    ];
    const systems = new Set<string>();
    for (const request of prompts) {
      const system = request.messages.filter((m) => m.role === "system").map((m) => String(m.content));
      const user = request.messages.filter((m) => m.role === "user").map((m) => JSON.stringify(m.content));
      systems.add(system.join("\n"));
      const text = user.join("\n");
      expect(text).toContain("## Output 1");
      expect(text).toContain("## Output 2");
      for (const telltale of telltales) expect(text).not.toContain(telltale);
      expect(text).not.toMatch(/\bskill\b|\bversion\b|skill[-_ ]?[ab]\b|output [ab]\b|\bv\d{3}\b/i);
    }
    // every judge call has the same system prompt, which names no side either
    expect(systems.size).toBe(1);
    const [system] = [...systems];
    for (const telltale of telltales) expect(system).not.toContain(telltale);
  });

  it("a judge that prefers right answers (the sim judge): B wins, and swapping A and B mirrors the win rate", async () => {
    const forward = await compare(SEED_SKILL, better, "sim");
    const swapped = await compare(better, SEED_SKILL, "sim");
    expect(forward.summary.winRateB).toBeGreaterThan(0.6);
    expect(forward.summary.ci95B[0]).toBeGreaterThan(0.5);
    expect(swapped.summary.winRateA).toBe(forward.summary.winRateB);
    expect(swapped.summary.winsA).toBe(forward.summary.winsB);
    expect(swapped.summary.winsB).toBe(forward.summary.winsA);
  });

  it("compares two versions of an optimize run on the outputs its test split kept, without running a task", async () => {
    const demo = await runCli(["demo", "--runs-dir", runsDir, "--iterations", "3", "--json", "--quiet"]);
    expect(demo.code, demo.stderr).toBe(0);
    const { runDir } = JSON.parse(demo.stdout) as { runDir: string };
    const kept = JSON.parse(await readFile(join(runDir, "summary.json"), "utf8"));
    const result = await runCli([
      "compare",
      "--run",
      runDir,
      "--versions",
      "seed,best",
      "--model",
      "sim",
      "--runs-dir",
      runsDir,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^A {11}seed \(v000\)/m);
    expect(result.stdout).toMatch(/B over A {4}win rate \d+\.\d% .*95% CI/);
    const folder = /run folder {2}(\S+)/.exec(result.stdout)?.[1] as string;
    const ledger = (await readFile(join(folder, "ledger.jsonl"), "utf8")).trim().split("\n");
    // only the judge was called: one call per test task
    expect(ledger.map((line) => JSON.parse(line).role)).toEqual(Array(kept.seed.test.runs).fill("judge"));
  });

  it("refuses a half-given comparison, --queue, and agent flags with --run, each with a one-line usage error", async () => {
    const refused = async (args: string[], says: string) => {
      const result = await runCli(["compare", ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(says);
    };
    await refused(["--skill-a", SEED_SKILL, "--tasks", tasks, "--model", "sim"], "--skill-b");
    // its agents run here: --queue is refused, not ignored
    const both = ["--skill-a", SEED_SKILL, "--skill-b", SEED_SKILL, "--tasks", tasks, "--model", "sim"];
    await refused([...both, "--queue", "redis://127.0.0.1:1"], "--queue goes with eval and optimize");
    // --run runs no agent: flags that only shape agent runs are refused, not ignored
    await refused(
      ["--run", runsDir, "--model", "sim", "--max-turns", "3", "--sandbox", "none"],
      "leave out --sandbox, --max-turns",
    );
  });
});
