import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { TriggerMetrics as Metrics } from "../src/triggers/types.js";
import { runCli, triggersArgs } from "./helpers/cli.js";
import { REPO } from "./helpers/paths.js";
import { readJsonLines as readLines } from "./helpers/run-files.js";

/**
 * `skillgrad triggers optimize` with the built-in executor and the sim model (a simulation): the sim
 * agent picks skills by the relevance rule; the sim diagnoser and editor work from their prompts.
 */

const examples = join(REPO, "examples", "triggers");
const queries = join(examples, "csv-analyst.queries.jsonl");
const testQueries = join(examples, "csv-analyst.test-queries.jsonl");
const MODEL = "sim:noise=0.1";

interface VersionSummary {
  version: string;
  description: string;
  train: Metrics;
  heldout: Metrics;
  test: Metrics | null;
}
interface Summary {
  runDir: string;
  status: string;
  calls: number;
  cachedCalls: number;
  seed: VersionSummary;
  best: VersionSummary;
  versions: Array<{ id: string; accepted: boolean }>;
}

async function optimize(seed: string, runsDir: string, ...extra: string[]): Promise<Summary> {
  const skill = join(examples, "seeds", seed, "csv-analyst");
  const result = await runCli(triggersArgs("optimize", skill, queries, MODEL, runsDir, "--json", ...extra));
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Summary;
}

async function triggersEval(skill: string, queryFile: string, runsDir: string) {
  const result = await runCli(triggersArgs("eval", skill, queryFile, MODEL, runsDir, "--json"));
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { metrics: Metrics };
}

describe("skillgrad triggers optimize (sim: a simulation)", () => {
  let runsDir: string;
  let vague: Summary;

  beforeAll(async () => {
    runsDir = await mkdtemp(join(tmpdir(), "sg-triggers-opt-"));
    vague = await optimize("vague", runsDir, "--test-queries", testQueries);
  });

  it("from a deliberately vague seed, raises held-out F1, and F1 on test queries nothing was chosen on", () => {
    expect(vague.status).toBe("done");
    expect(vague.seed.heldout.recall).toBe(0);
    expect(vague.best.version).not.toBe("v000");
    expect(vague.best.heldout.f1 as number).toBeGreaterThan((vague.seed.heldout.f1 ?? 0) + 0.4);
    expect(vague.best.test?.f1 as number).toBeGreaterThan((vague.seed.test?.f1 ?? 0) + 0.4);
    expect(vague.best.description.length).toBeLessThanOrEqual(1024);
    expect(vague.best.description.startsWith("Helps with data files.")).toBe(true);
  });

  it("from an over-broad seed that takes its neighbours' requests, precision rises", async () => {
    const broad = await optimize("broad", runsDir);
    expect(broad.seed.train.fp).toBeGreaterThan(0);
    expect(broad.best.version).not.toBe("v000");
    expect(broad.best.heldout.precision as number).toBeGreaterThan((broad.seed.heldout.precision ?? 0) + 0.3);
    expect(broad.best.train.precision as number).toBeGreaterThan(broad.seed.train.precision ?? 0);
    expect(broad.best.train.fp).toBeLessThan(broad.seed.train.fp);
  });

  it("on held-out queries, a description that only copies the training queries' words does no better than chance", async () => {
    const config = JSON.parse(await readFile(join(vague.runDir, "config.json"), "utf8"));
    const all = await readLines(queries);
    const train = all.filter((q) => config.split.train.includes(q.id));
    const heldout = all.filter((q) => config.split.heldout.includes(q.id));
    // every word of the training requests, the commonest first, up to the 1024-character limit
    const counts = new Map<string, number>();
    for (const q of train)
      for (const word of new Set(
        String(q.query)
          .toLowerCase()
          .match(/[a-z0-9_]+/g) ?? [],
      ))
        counts.set(word, (counts.get(word) ?? 0) + 1);
    let copied = "";
    for (const [word] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
      if (copied.length + word.length + 1 > 1024) break;
      copied = copied ? `${copied} ${word}` : word;
    }
    const dir = join(await mkdtemp(join(tmpdir(), "sg-copy-")), "csv-analyst");
    await mkdir(dir);
    const body = (await readFile(join(examples, "seeds", "vague", "csv-analyst", "SKILL.md"), "utf8")).split(
      "---",
    )[2];
    await writeFile(
      join(dir, "SKILL.md"),
      `---\nname: csv-analyst\ndescription: ${JSON.stringify(copied)}\n---${body}`,
    );
    const heldoutFile = join(runsDir, "heldout.jsonl");
    await writeFile(heldoutFile, heldout.map((q) => JSON.stringify(q)).join("\n"));

    const copy = (await triggersEval(dir, heldoutFile, runsDir)).metrics;
    const positives = copy.tp + copy.fn;
    const negatives = copy.fp + copy.tn;
    const truePositiveRate = copy.tp / positives;
    const falsePositiveRate = copy.fp / negatives;
    // chance: it triggers about as often for the requests it should leave as for those it should take
    expect(Math.abs(truePositiveRate - falsePositiveRate)).toBeLessThanOrEqual(0.15);
    // and its F1 is no better than triggering on everything
    const base = positives / (positives + negatives);
    expect(copy.f1 ?? 0).toBeLessThanOrEqual((2 * base) / (1 + base));
    // while the optimized description, on the same held-out queries, does far better
    const optimized = (await triggersEval(join(vague.runDir, "best", "csv-analyst"), heldoutFile, runsDir))
      .metrics;
    expect(optimized.f1 as number).toBeGreaterThan((copy.f1 ?? 0) + 0.3);
  });

  it("a run stopped by its budget resumes to the same result without paying for a call twice", async () => {
    const own = await mkdtemp(join(tmpdir(), "sg-triggers-resume-"));
    const full = await optimize("vague", join(own, "a"));
    const stoppedResult = await runCli(
      triggersArgs(
        "optimize",
        join(examples, "seeds", "vague", "csv-analyst"),
        queries,
        MODEL,
        join(own, "b"),
        "--max-calls",
        "250",
        "--json",
      ),
    );
    expect(stoppedResult.code, stoppedResult.stderr).toBe(0);
    const stopped = JSON.parse(stoppedResult.stdout) as Summary & { stoppedBy: string };
    expect(stopped.status).toBe("stopped");
    expect(stopped.stoppedBy).toBe("budget");
    // the same budget would stop it again at once: a resume takes a new one
    const again = await runCli(["triggers", "optimize", "--resume", stopped.runDir, "--json"]);
    expect(JSON.parse(again.stdout).status).toBe("stopped");
    const resumed = await runCli([
      "triggers",
      "optimize",
      "--resume",
      stopped.runDir,
      "--max-calls",
      "1000",
      "--rpm",
      "100000",
      "--json",
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    // the new budget and quota are kept for a later resume
    const saved = JSON.parse(await readFile(join(stopped.runDir, "config.json"), "utf8"));
    expect(saved.budget).toEqual({ maxCalls: 1000 });
    expect(saved.configFile.rateLimits).toEqual({ default: { rpm: 100000 } });
    const done = JSON.parse(resumed.stdout) as Summary;
    expect(done.status).toBe("done");
    expect(done.best.description).toBe(full.best.description);
    expect(done.best.heldout).toEqual(full.best.heldout);
    const paid = (await readLines(join(stopped.runDir, "ledger.jsonl"))).filter((entry) => !entry.cacheHit);
    expect(paid.length).toBe(full.calls - full.cachedCalls);
  });

  it("the report shows the trigger matrix per version and the learning curve", async () => {
    const html = await readFile(join(vague.runDir, "report.html"), "utf8");
    expect(html).toContain('aria-label="learning curve"');
    expect(html).toContain('<table class="matrix">');
    for (const version of vague.versions) expect(html).toContain(`<th class="v">${version.id}`);
    expect(html).toContain("What is the total revenue in sales.csv for the north region?");
    expect(html).toContain("<ins>");
  });
});
