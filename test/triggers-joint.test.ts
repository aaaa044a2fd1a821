import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/paths.js";

/**
 * Joint optimization on the sim world (a simulation): `optimize --trigger-queries` adds the seed
 * skill's mis-triggers to the loss, the description (H layer) gets their diagnosis, and the report
 * shows pass rate and trigger F1 side by side.
 */

const queries = join(REPO, "examples", "triggers", "csv-analyst.queries.jsonl");

describe("optimize --trigger-queries (sim: a simulation)", () => {
  it("mis-triggers join the loss, the H layer is rewritten from their diagnosis, and the report shows both scores", async () => {
    const runsDir = await mkdtemp(join(tmpdir(), "sg-joint-"));
    const result = await runCli([
      "demo",
      "--runs-dir",
      runsDir,
      "--iterations",
      "2",
      "--trigger-queries",
      queries,
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    const runDir = summary.runDir as string;
    const read = async (...parts: string[]) => JSON.parse(await readFile(join(runDir, ...parts), "utf8"));

    // iteration 1: the seed's mis-triggered training queries, diagnosed
    const loss = await read("iterations", "001", "trigger-diagnosis.json");
    expect(loss.version).toBe("v000");
    expect(loss.wrong.length).toBeGreaterThan(0);
    const config = await read("config.json");
    for (const id of loss.wrong) expect(config.triggers.split.train).toContain(id);
    expect(loss.diagnosis.missed.length + loss.diagnosis.falseTriggers.length).toBeGreaterThan(0);

    // the description editor rewrote the new version's description with set_description
    const patch = await read("iterations", "001", "trigger-patch.json");
    expect(patch).toMatchObject({ version: "v001", applied: true });
    const skill = await readFile(join(runDir, "skills", "v001", "csv-analyst", "SKILL.md"), "utf8");
    expect(skill).toContain(patch.description);
    expect(patch.description.length).toBeLessThanOrEqual(1024);
    const seedDescription = (await read("triggers", "v000", "heldout", "evaluation.json")).summary.skill
      .description;
    expect(patch.description).not.toBe(seedDescription);

    // held-out trigger F1 of the seed and the best version, in the summary
    expect(summary.triggers.seed.f1).toBeGreaterThan(0);
    expect(summary.triggers.best.f1).toBeGreaterThanOrEqual(summary.triggers.seed.f1);
    expect(result.stderr).not.toContain("error");

    const html = await readFile(join(runDir, "report.html"), "utf8");
    expect(html).toContain('<section id="triggers"><h2>Triggering</h2>');
    expect(html).toContain("<th>validation pass rate</th><th>trigger F1, held-out</th>");
    expect(html).toContain(patch.description);

    const printed = await runCli(["show", runDir]);
    expect(printed.code, printed.stderr).toBe(0);
  });

  it("refuses --trigger-library without --trigger-queries", async () => {
    const result = await runCli(["demo", "--trigger-library", join(REPO, "examples", "skill-library")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--trigger-library goes with --trigger-queries");
  });
});
