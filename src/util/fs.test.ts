import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appendJsonLine, appendJsonLineSync, readJsonFileSync, writeFileAtomic } from "./fs.js";

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "sg-fs-"));
}

describe("record writers under faults", () => {
  it("the first append after a torn last line drops that line, so the file stays readable", async () => {
    const dir = await tempDir();
    for (const append of [appendJsonLine, async (p: string, v: unknown) => appendJsonLineSync(p, v)]) {
      const file = join(dir, `${append.name || "sync"}.jsonl`);
      await writeFile(file, '{"n":1}\n{"n":2}\n{"n":');
      await append(file, { n: 3 });
      await append(file, { n: 4 });
      const lines = (await readFile(file, "utf8")).trim().split("\n");
      expect(lines.map((line) => JSON.parse(line).n)).toEqual([1, 2, 3, 4]);
    }
    const onlyTorn = join(dir, "torn.jsonl");
    await writeFile(onlyTorn, '{"half');
    await appendJsonLine(onlyTorn, { n: 1 });
    expect(await readFile(onlyTorn, "utf8")).toBe('{"n":1}\n');
  });

  it("a failed atomic write leaves no temp file and the old content", async () => {
    const dir = await tempDir();
    // the temp file is written, then the rename fails: the target is a folder that is not empty
    const target = join(dir, "target");
    await mkdir(target);
    await writeFile(join(target, "keep"), "old");
    await expect(writeFileAtomic(target, "new")).rejects.toThrow();
    expect(await readFile(join(target, "keep"), "utf8")).toBe("old");
    expect(await readdir(dir)).toEqual(["target"]);
  });

  it("names a damaged JSON file in one line", async () => {
    const dir = await tempDir();
    const file = join(dir, "state.json");
    await writeFile(file, "{ not json");
    expect(() => readJsonFileSync(file, "the run's checkpoint", "start a new run")).toThrow(
      new RegExp(`^the run's checkpoint ${file} is damaged \\(it is not valid JSON: .*\\); start a new run$`),
    );
  });
});
