import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { copyFile, cp, mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { tempDir } from "./helpers/files.js";
import { REPO, SHARED_DATA } from "./helpers/paths.js";

const WTQ_EXAMPLES = join(REPO, "examples", "wtq");
const SHARED_WTQ = join(SHARED_DATA, "wtq");
const SHARED_SSB = join(SHARED_DATA, "spreadsheetbench");

interface Question {
  id: string;
  question: string;
  table: string;
  answers: string[];
  canon?: string[];
}

/** A local port nothing listens on: a download from it fails at once, as without network. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

function jsonLines<T>(path: string): T[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

/** WTQ's TSV escaping: backslash, newline and the list separator. */
function tsvEscape(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll("|", "\\p");
}

/** A small copy of the example questions in the official release layout (data/, tagged/data/, csv/). */
async function officialRelease(questions: Question[]): Promise<string> {
  const root = await tempDir();
  const header = "id\tutterance\tcontext\ttargetValue";
  const rows = questions.map((q) =>
    [q.id, tsvEscape(q.question), q.table, q.answers.map(tsvEscape).join("|")].join("\t"),
  );
  await mkdir(join(root, "data"), { recursive: true });
  await writeFile(join(root, "data", "pristine-unseen-tables.tsv"), `${[header, ...rows].join("\n")}\n`);
  const tagged = questions.map((q, i) => `${rows[i]}\t${(q.canon ?? q.answers).map(tsvEscape).join("|")}`);
  await mkdir(join(root, "tagged", "data"), { recursive: true });
  await writeFile(
    join(root, "tagged", "data", "pristine-unseen-tables.tagged"),
    `${[`${header}\ttargetCanon`, ...tagged].join("\n")}\n`,
  );
  for (const q of questions) {
    await mkdir(dirname(join(root, q.table)), { recursive: true });
    await copyFile(join(WTQ_EXAMPLES, "tables", q.table), join(root, q.table));
  }
  return root;
}

describe("skillgrad bench list", () => {
  it("lists every benchmark with its seed skill and example data", async () => {
    const result = await runCli(["bench", "list", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as { name: string; seedSkill: string; examples: string | null }[];
    expect(rows.map((row) => row.name)).toEqual(expect.arrayContaining(["sim", "spreadsheetbench", "wtq"]));
    for (const row of rows) {
      expect(existsSync(join(row.seedSkill, "SKILL.md")), row.name).toBe(true);
      expect(row.examples).not.toBeNull();
    }
    const text = await runCli(["bench", "list"]);
    expect(text.stdout).toMatch(/wtq\n {2}WikiTableQuestions.*\n {2}seed skill: .*table-questions/);
  });
});

describe("skillgrad bench prepare --from (no network)", () => {
  it("lays out the shared WTQ JSONL data with a reproducible paper split, usable by eval --bench", async () => {
    const out = join(await tempDir(), "wtq");
    const result = await runCli([
      "bench",
      "prepare",
      "wtq",
      "--from",
      SHARED_WTQ,
      "--out",
      out,
      "--seed",
      "5",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const shared = ["seen", "unseen"].flatMap((split) =>
      jsonLines<Question>(join(SHARED_WTQ, "questions", `${split}.jsonl`)),
    );
    const tables = new Set(shared.map((q) => q.table)).size; // only the tables some question names
    expect(result.stdout).toContain(`questions: seen 3537, unseen 4344; tables: ${tables}`);
    expect(result.stdout).toMatch(/split paper: pool 200, validation 20, test 180 → .*splits\/paper\.json/);
    expect(result.stdout).toMatch(/note: sampled 400 of 4344 ids/);
    expect(readFileSync(join(out, "SOURCE.md"), "utf8")).toContain("CC BY-SA 4.0");
    const manifest = readJson<{ seed: number; params: unknown; sets: Record<string, string[]> }>(
      join(out, "splits", "paper.json"),
    );
    expect(manifest).toMatchObject({ seed: 5, params: { trainSize: 40, batchSize: 4 } });
    const unseen = new Set(
      jsonLines<Question>(join(SHARED_WTQ, "questions", "unseen.jsonl")).map((q) => q.id),
    );
    for (const id of Object.values(manifest.sets).flat()) expect(unseen.has(id)).toBe(true);

    // Preparing again in place with the same seed writes the same manifest.
    const before = readFileSync(join(out, "splits", "paper.json"), "utf8");
    const again = await runCli(["bench", "prepare", "wtq", "--from", out, "--out", out, "--seed", "5"]);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(out, "splits", "paper.json"), "utf8")).toBe(before);

    const runs = await tempDir();
    const evalRun = await runCli([
      "eval",
      "--bench",
      "wtq",
      "--data",
      out,
      "--split",
      "paper#validation",
      "--model",
      "sim",
      "--runs-dir",
      runs,
      "--json",
    ]);
    expect(evalRun.code, evalRun.stderr).toBe(0);
    expect(JSON.parse(evalRun.stdout)).toMatchObject({ tasks: 20, passRate: 0 });
  });

  it("converts the official WTQ release layout to the JSONL form, keeping questions, answers and canon", async () => {
    const questions = jsonLines<Question>(join(WTQ_EXAMPLES, "questions", "unseen.jsonl")).slice(0, 12);
    const release = await officialRelease(questions);
    const out = join(await tempDir(), "wtq");
    const result = await runCli([
      "bench",
      "prepare",
      "wtq",
      "--from",
      release,
      "--out",
      out,
      "--split",
      "ratio:train=0.5,test=0.5",
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.counts).toMatchObject({ layout: "official", splits: { unseen: 12 } });
    expect(report.splits).toEqual([
      expect.objectContaining({ name: "ratio-train50-test50", sizes: { train: 6, test: 6 } }),
    ]);
    const converted = jsonLines<Question>(join(out, "questions", "unseen.jsonl"));
    expect(converted).toEqual(
      questions.map(({ id, question, table, answers, canon }) => ({ id, question, table, answers, canon })),
    );
    for (const q of questions) expect(existsSync(join(out, "tables", q.table))).toBe(true);
  });

  it("copies SpreadsheetBench in its official layout and reports counts; the paper split falls back to all ids", async () => {
    const out = join(await tempDir(), "ssb");
    const result = await runCli([
      "bench",
      "prepare",
      "spreadsheetbench",
      "--from",
      SHARED_SSB,
      "--out",
      out,
      "--json",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.counts).toEqual({
      tasks: 50,
      testCases: 150,
      types: { "Cell-Level Manipulation": 25, "Sheet-Level Manipulation": 25 },
      verifiedIds: 19,
    });
    const [paper] = report.splits;
    expect(paper.notes[0]).toMatch(/does not hold all 400 SpreadsheetBench Verified ids/);
    expect(paper.sizes.pool + paper.sizes.validation + paper.sizes.test).toBe(50);
    expect(existsSync(join(out, "spreadsheet", "79-7", "3_79-7_answer.xlsx"))).toBe(true);
    expect(readFileSync(join(out, "dataset.json"), "utf8")).toBe(
      readFileSync(join(SHARED_SSB, "dataset.json"), "utf8"),
    );
  });

  it("rejects a folder that is not the benchmark's data, with what was expected", async () => {
    const empty = await tempDir();
    const wtq = await runCli(["bench", "prepare", "wtq", "--from", empty, "--out", join(empty, "out")]);
    expect(wtq.code).toBe(1);
    expect(wtq.stderr).toMatch(/does not look like WikiTableQuestions data: expected questions\/\*\.jsonl/);
    const ssb = await runCli([
      "bench",
      "prepare",
      "spreadsheetbench",
      "--from",
      SHARED_WTQ,
      "--out",
      join(empty, "out"),
    ]);
    expect(ssb.code).toBe(1);
    expect(ssb.stderr).toMatch(/no dataset\.json in .*: expected a SpreadsheetBench folder/);
    const sim = await runCli(["bench", "prepare", "sim"]);
    expect(sim.code).toBe(2);
    expect(sim.stderr).toMatch(/sim needs no preparation/);
    const badSplit = await runCli([
      "bench",
      "prepare",
      "wtq",
      "--from",
      SHARED_WTQ,
      "--split",
      "ratio:train=0.7",
    ]);
    expect(badSplit.code).toBe(2);
    expect(badSplit.stderr).toMatch(/add up to 0.7, not 1/);
  });

  it("downloads and extracts an archive from --url (a local server here), then verifies and lays it out", async () => {
    const staging = await tempDir();
    await mkdir(join(staging, "release"), { recursive: true });
    await cp(
      join(REPO, "examples", "spreadsheetbench"),
      join(staging, "release", "spreadsheetbench_mirror"),
      { recursive: true },
    );
    await promisify(execFile)("tar", [
      "-czf",
      join(staging, "data.tar.gz"),
      "-C",
      join(staging, "release"),
      "spreadsheetbench_mirror",
    ]);
    const archive = readFileSync(join(staging, "data.tar.gz"));
    const server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/gzip" });
      response.end(archive);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const out = join(await tempDir(), "ssb");
      const url = `http://127.0.0.1:${port}/data.tar.gz`;
      const result = await runCli([
        "bench",
        "prepare",
        "spreadsheetbench",
        "--out",
        out,
        "--url",
        url,
        "--json",
      ]);
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ source: url, counts: { tasks: 10, testCases: 30 } });
      expect(existsSync(join(out, "dataset.json"))).toBe(true);
      expect(existsSync(join(out, "splits", "paper.json"))).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("without a reachable source, fails with a message that suggests --from", async () => {
    const out = join(await tempDir(), "wtq");
    const url = `http://127.0.0.1:${await closedPort()}/WikiTableQuestions.zip`;
    const result = await runCli(["bench", "prepare", "wtq", "--out", out, "--url", url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`could not download ${url} (ECONNREFUSED)`);
    expect(result.stderr).toMatch(/download the data yourself and pass its folder with --from DIR/);
    expect(existsSync(out)).toBe(false);
  });
});
