import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  stat,
  symlink,
  truncate,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SkillgradError } from "../errors.js";
import { BlobCache, InputRejected, sha256 } from "./blobs.js";
import { FolderInputStore } from "./folder-store.js";
import { packTask } from "./inputs.js";

// The shared-folder input store (--input-store DIR): content-addressed files, written whole,
// confined to the folder, and checked by the worker's cache like bytes from Redis.

async function fresh() {
  const dir = await mkdtemp(join(tmpdir(), "sg-folder-store-"));
  return { dir, store: await FolderInputStore.forWriting(join(dir, "inputs")) };
}

describe("FolderInputStore", () => {
  it("stores bytes at DIR/ab/abcd… and reads them back", async () => {
    const { dir, store } = await fresh();
    const bytes = Buffer.from("name,amount\nA,3\n");
    const sha = await store.put(bytes, "data.csv");
    expect(sha).toBe(sha256(bytes));
    const path = join(dir, "inputs", sha.slice(0, 2), sha);
    expect(store.pathOf(sha)).toBe(path);
    expect(await readFile(path, "utf8")).toBe("name,amount\nA,3\n");
    expect((await store.get(sha))?.toString()).toBe("name,amount\nA,3\n");
    expect(await store.get("0".repeat(64))).toBeNull();
    // nothing but the blob is left: no temporary file, no probe
    expect(await readdir(join(dir, "inputs"))).toEqual([sha.slice(0, 2)]);
    expect(await readdir(join(dir, "inputs", sha.slice(0, 2)))).toEqual([sha]);
  });

  it("keeps a good copy, and replaces a damaged one with the bytes its name promises", async () => {
    const { dir, store } = await fresh();
    const bytes = Buffer.from("the same bytes");
    const sha = await store.put(bytes, "a file");
    const path = store.pathOf(sha);
    const first = await stat(path);
    // another coordinator process puts the same bytes: the file is left as it is
    const other = await FolderInputStore.forWriting(join(dir, "inputs"));
    expect(await other.put(bytes, "a file")).toBe(sha);
    expect((await stat(path)).ino).toBe(first.ino);
    await writeFile(path, "damaged");
    const third = await FolderInputStore.forWriting(join(dir, "inputs"));
    await third.put(bytes, "a file");
    expect(await readFile(path, "utf8")).toBe("the same bytes");
  });

  it("reads only inside the folder: no path from a bad hash, no symbolic link", async () => {
    const { dir, store } = await fresh();
    for (const bad of ["../../etc/passwd", "ab/../../x", "A".repeat(64), "0".repeat(63), ""]) {
      await expect(store.get(bad)).rejects.toBeInstanceOf(InputRejected);
    }
    const secret = join(dir, "secret.txt");
    await writeFile(secret, "not an input");
    const sha = sha256("not an input");
    await mkdir(join(dir, "inputs", sha.slice(0, 2)), { recursive: true });
    await symlink(secret, store.pathOf(sha));
    await expect(store.get(sha)).rejects.toThrow(/symbolic link/);
    // a folder where a file should be
    const other = sha256("x");
    await mkdir(store.pathOf(other), { recursive: true });
    await expect(store.get(other)).rejects.toThrow(/not a plain file/);
  });

  it("a worker's cache refuses a tampered file and names a missing one", async () => {
    const { dir, store } = await fresh();
    const reader = await FolderInputStore.forReading(join(dir, "inputs"));
    const cache = new BlobCache(join(dir, "cache"), reader);
    const sha = await store.put(Buffer.from("hello folder"), "an input");
    expect(await readFile(await cache.file(sha, "an input"), "utf8")).toBe("hello folder");
    const tampered = await store.put(Buffer.from("second input"), "another input");
    await writeFile(store.pathOf(tampered), "forged");
    await expect(cache.file(tampered, "another input")).rejects.toThrow(
      /^another input failed its hash check: the bytes in the input folder .* are not sha256/,
    );
    await expect(cache.file("1".repeat(64), "a missing input")).rejects.toThrow(
      /^a missing input \(sha256 111111111111\) is not in the input folder .*: give the worker --input-store DIR, the folder the coordinator wrote to/,
    );
  });

  it("says in one line when the folder cannot be used", async () => {
    const { dir } = await fresh();
    await expect(FolderInputStore.forReading(join(dir, "nowhere"))).rejects.toThrow(
      /^--input-store .*nowhere is not a folder on this machine: give the folder the coordinator writes inputs to/,
    );
    await writeFile(join(dir, "a-file"), "");
    await expect(FolderInputStore.forWriting(join(dir, "a-file", "inputs"))).rejects.toThrow(
      /^cannot write inputs to --input-store .*: a file is in the way of a folder; give a folder this machine can write/,
    );
    if (process.getuid?.() !== 0) {
      const locked = join(dir, "locked");
      await mkdir(locked, { mode: 0o555 });
      await expect(FolderInputStore.forWriting(locked)).rejects.toBeInstanceOf(SkillgradError);
      await chmod(locked, 0o755);
    }
  });

  it("refuses an input over 2 GiB in one line, before reading it", async () => {
    const { dir, store } = await fresh();
    const big = join(dir, "big.bin");
    await writeFile(big, "");
    await truncate(big, 2 ** 31); // sparse: takes no space
    const task = { id: "t1", prompt: "p", files: [{ from: big, to: "big.bin" }] };
    await expect(packTask(task, store, { exclude: [] })).rejects.toThrow(
      /big\.bin is 2\.0 GiB: a file sent to queue workers may be at most 2 GiB; split it, or run without --queue$/,
    );
    expect(await readdir(join(dir, "inputs"))).toEqual([]);
  });
});
