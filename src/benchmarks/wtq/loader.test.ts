import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHARED_DATA } from "../../../test/helpers/paths.js";
import { detectWtqLayout, loadWtq } from "./loader.js";

const SHARED_WTQ = join(SHARED_DATA, "wtq");
const TAGGED_HEADER =
  "id\tutterance\tcontext\ttargetValue\ttokens\tlemmaTokens\tposTags\tnerTags\tnerValues\ttargetCanon\ttargetCanonType";

let root: string;

async function write(path: string, text: string): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, text);
}

/** A tiny release-layout folder: data/*.tsv, tagged/data/*.tagged for one split, csv/. */
async function officialRelease(name: string): Promise<string> {
  const dir = join(root, name);
  await write(join(dir, "csv", "200-csv", "0.csv"), '"Year","Team"\n"2001","Italy"\n');
  await write(
    join(dir, "data", "pristine-unseen-tables.tsv"),
    "id\tutterance\tcontext\ttargetValue\n" +
      "nu-0\twhich team?\tcsv/200-csv/0.csv\tItaly\n" +
      "nu-1\tline\\nbreak?\tcsv/200-csv/0.csv\tA\\pB|17 years\n",
  );
  await write(
    join(dir, "tagged", "data", "pristine-unseen-tables.tagged"),
    `${TAGGED_HEADER}\n` +
      "nu-0\twhich team?\tcsv/200-csv/0.csv\tItaly\tx\tx\tx\tx\tx\tItaly\tstring\n" +
      "nu-1\tline\\nbreak?\tcsv/200-csv/0.csv\tA\\pB|17 years\tx\tx\tx\tx\tx\tA\\pB|17.0\tmixed\n",
  );
  await write(
    join(dir, "data", "training.tsv"),
    "id\tutterance\tcontext\ttargetValue\nnt-0\thow many?\tcsv/200-csv/0.csv\t3\n",
  );
  await write(
    join(dir, "data", "random-split-1-dev.tsv"),
    "id\tutterance\tcontext\ttargetValue\nnt-0\thow many?\tcsv/200-csv/0.csv\t3\n",
  );
  return dir;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "skillgrad-wtq-loader-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("loadWtq, official release layout", () => {
  it("reads questions from data/*.tsv and the canonical answers from tagged/data", async () => {
    const dir = await officialRelease("release-a");
    expect(await detectWtqLayout(dir)).toBe("official");
    const questions = await loadWtq(dir, { split: "pristine-unseen-tables" });
    expect(questions).toEqual([
      {
        id: "nu-0",
        question: "which team?",
        table: "csv/200-csv/0.csv",
        tablePath: join(dir, "csv", "200-csv", "0.csv"),
        answers: ["Italy"],
        canon: ["Italy"],
      },
      {
        id: "nu-1",
        question: "line\nbreak?",
        table: "csv/200-csv/0.csv",
        tablePath: join(dir, "csv", "200-csv", "0.csv"),
        answers: ["A|B", "17 years"],
        canon: ["A|B", "17.0"],
      },
    ]);
  });

  it("accepts the short split names and leaves canon undefined without a tagged file", async () => {
    const dir = await officialRelease("release-b");
    expect((await loadWtq(dir, { split: "unseen" })).map((q) => q.id)).toEqual(["nu-0", "nu-1"]);
    const training = await loadWtq(dir, { split: "training" });
    expect(training).toHaveLength(1);
    expect(training[0]?.canon).toBeUndefined();
  });

  it("loads every split by default, each id once", async () => {
    const dir = await officialRelease("release-c");
    expect((await loadWtq(dir)).map((q) => q.id).sort()).toEqual(["nt-0", "nu-0", "nu-1"]);
  });

  it("works from the tagged files alone", async () => {
    const dir = await officialRelease("release-d");
    await rm(join(dir, "data"), { recursive: true });
    const questions = await loadWtq(dir);
    expect(questions.map((q) => [q.id, q.answers, q.canon])).toEqual([
      ["nu-0", ["Italy"], ["Italy"]],
      ["nu-1", ["A|B", "17 years"], ["A|B", "17.0"]],
    ]);
  });

  it("names the missing column of a malformed TSV", async () => {
    const dir = await officialRelease("release-e");
    await writeFile(join(dir, "data", "training.tsv"), "id\tquestion\nnt-0\thow many?\n");
    await expect(loadWtq(dir, { split: "training" })).rejects.toThrow(
      /training\.tsv has no utterance, context, targetValue column/,
    );
  });
});

describe("loadWtq, JSONL layout", () => {
  it("loads the shared unseen and seen splits with table paths that exist", async () => {
    expect(await detectWtqLayout(SHARED_WTQ)).toBe("jsonl");
    const unseen = await loadWtq(SHARED_WTQ, { split: "unseen" });
    expect(unseen).toHaveLength(4344);
    expect(unseen[1]).toMatchObject({ id: "nu-1", answers: ["100,000"], canon: ["100000.0"] });
    expect(existsSync(unseen[1]?.tablePath ?? "")).toBe(true);
    expect(await loadWtq(SHARED_WTQ, { split: "pristine-seen-tables" })).toHaveLength(3537);
    expect(await loadWtq(SHARED_WTQ)).toHaveLength(3537 + 4344);
  });

  it("reads only the questions asked for with ids, in file order", async () => {
    const some = await loadWtq(SHARED_WTQ, { ids: new Set(["nu-2", "nu-1", "ns-0", "nope"]) });
    expect(some.map((q) => q.id)).toEqual(["ns-0", "nu-1", "nu-2"]);
    expect(some[1]).toEqual((await loadWtq(SHARED_WTQ, { split: "unseen" }))[1]);
    const dir = join(root, "jsonl-ids");
    await write(
      join(dir, "questions", "dev.jsonl"),
      '{"id":"q\\"1","question":"?","table":"t.csv","answers":["a"]}\n' +
        '{"meta":{"id":"q2"},"id":"q3","question":"?","table":"t.csv","answers":["b"]}\n' +
        "not json, not wanted\n",
    );
    await expect(loadWtq(dir, { ids: new Set(['q"1', "q3"]) })).rejects.toThrow(
      /dev\.jsonl:3 is not valid JSON/,
    );
    await write(
      join(dir, "questions", "dev.jsonl"),
      '{"id":"q\\"1","question":"?","table":"t.csv","answers":["a"]}\n' +
        '{"meta":{"id":"q2"},"id":"q3","question":"?","table":"t.csv","answers":["b"]}\n' +
        '{"id":"q4","question":"?"}\n',
    );
    const found = await loadWtq(dir, { ids: new Set(['q"1', "q3"]) });
    expect(found.map((q) => [q.id, q.answers])).toEqual([
      ['q"1', ["a"]],
      ["q3", ["b"]],
    ]);
  });

  it("says which line of which file is not a question", async () => {
    const dir = join(root, "jsonl-bad");
    await write(
      join(dir, "questions", "dev.jsonl"),
      '{"id":"q1","question":"?","table":"csv/1.csv","answers":["a"]}\n{"id":"q2","question":"?"}\n',
    );
    await expect(loadWtq(dir)).rejects.toThrow(/dev\.jsonl:2 is not a WTQ question: table/);
  });
});

describe("loadWtq errors", () => {
  it("explains what a WTQ folder should contain", async () => {
    const dir = join(root, "not-wtq");
    await write(join(dir, "readme.txt"), "hello");
    await expect(loadWtq(dir)).rejects.toThrow(
      /does not look like WikiTableQuestions data: expected questions\/\*\.jsonl/,
    );
    await expect(loadWtq(join(root, "missing"))).rejects.toThrow(/does not exist/);
  });

  it("lists the available splits when the one asked for is missing", async () => {
    await expect(loadWtq(SHARED_WTQ, { split: "test" })).rejects.toThrow(
      /no WTQ split "test" .*: available splits are seen, unseen/,
    );
  });
});
