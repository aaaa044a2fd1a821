import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { SHARED_DATA } from "./helpers/paths.js";

const WTQ = join(SHARED_DATA, "wtq");

interface Question {
  id: string;
  answers: string[];
}

const unseen: Question[] = readFileSync(join(WTQ, "questions", "unseen.jsonl"), "utf8")
  .split("\n")
  .filter((line) => line !== "")
  .slice(0, 5)
  .map((line) => JSON.parse(line) as Question);

function q(index: number): Question {
  const question = unseen[index];
  if (!question) throw new Error(`no unseen question ${index}`);
  return question;
}

let dir: string;
async function predictionsFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "skillgrad-grade-wtq-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("skillgrad grade wtq", () => {
  it("prints the accuracy of a prediction file", async () => {
    const file = await predictionsFile(
      "three.tsv",
      `${q(0).id}\t${q(0).answers.join("\t")}\n${q(1).id}\t${q(1).answers.join("\t")}\n${q(2).id}\tnot the answer\n`,
    );
    const result = await runCli(["grade", "wtq", "--data", WTQ, "--predictions", file]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("accuracy: 0.6667 (2/3)\n");
  });

  it("grades the first prediction of a file that starts with a byte order mark", async () => {
    const file = await predictionsFile(
      "bom.tsv",
      `\uFEFF${q(0).id}\t${q(0).answers.join("\t")}\r\n${q(1).id}\tnot the answer\r\n`,
    );
    const result = await runCli(["grade", "wtq", "--data", WTQ, "--predictions", file, "--json"]);
    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { id: q(0).id, correct: true },
      { id: q(1).id, correct: false },
    ]);
    expect(result.stderr).toBe("accuracy: 0.5000 (1/2)\n");
  });

  it("prints one JSON object per line with reasons for unknown and repeated ids", async () => {
    const file = await predictionsFile(
      "json.tsv",
      [
        `${q(3).id}\t${q(3).answers.join("\t")}`,
        "nu-does-not-exist\tItaly",
        `${q(4).id}`,
        `${q(3).id}\t${q(3).answers.join("\t")}`,
        `${q(0).id}\t\t\t\u0000\ufffd`,
      ].join("\n"),
    );
    const result = await runCli(["grade", "wtq", "--data", WTQ, "--predictions", file, "--json"]);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { id: q(3).id, correct: true },
      { id: "nu-does-not-exist", correct: false, reason: "unknown id" },
      { id: q(4).id, correct: false },
      { id: q(3).id, correct: false, reason: "duplicate id" },
      { id: q(0).id, correct: false },
    ]);
    expect(result.stderr).toContain("accuracy: 0.3333 (1/3)");
    expect(result.stderr).toContain("1 prediction(s) name an id that is not a question");
    expect(result.stderr).toContain("1 prediction(s) repeat an earlier id");
  });

  it("restricts grading to one split with --split", async () => {
    const file = await predictionsFile("split.tsv", `${q(0).id}\t${q(0).answers.join("\t")}\n`);
    const seen = await runCli([
      "grade",
      "wtq",
      "--data",
      WTQ,
      "--predictions",
      file,
      "--split",
      "seen",
      "--json",
    ]);
    expect(seen.code).toBe(0);
    expect(JSON.parse(seen.stdout)).toEqual({ id: q(0).id, correct: false, reason: "unknown id" });
    const bad = await runCli(["grade", "wtq", "--data", WTQ, "--predictions", file, "--split", "dev"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/no WTQ split "dev".*available splits are seen, unseen/);
  });

  it("fails clearly on an empty or missing predictions file", async () => {
    const empty = await predictionsFile("empty.tsv", "\n\n");
    const emptyResult = await runCli(["grade", "wtq", "--data", WTQ, "--predictions", empty]);
    expect(emptyResult.code).toBe(1);
    expect(emptyResult.stdout).toBe("");
    expect(emptyResult.stderr).toMatch(/^skillgrad: predictions file .*empty\.tsv is empty/);

    const missing = await runCli(["grade", "wtq", "--data", WTQ, "--predictions", join(dir, "nope.tsv")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^skillgrad: predictions file .*nope\.tsv does not exist/);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("fails clearly when --data is not a WTQ folder", async () => {
    const file = await predictionsFile("one.tsv", `${q(0).id}\tItaly\n`);
    const result = await runCli(["grade", "wtq", "--data", dir, "--predictions", file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(
      /does not look like WikiTableQuestions data: expected questions\/\*\.jsonl/,
    );
  });

  it("is a usage error without --predictions", async () => {
    const result = await runCli(["grade", "wtq", "--data", WTQ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--predictions");
  });
});
