import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, open, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { errorMessage, SkillgradError, storageError } from "../errors.js";
import { checkedSha, InputRejected, sha256 } from "./blobs.js";
import type { InputStore } from "./input-store.js";

/**
 * Inputs in a folder every machine mounts (NFS or another shared file system), given with
 * `--input-store DIR`: the bytes whose sha256 is `abcd…` are the file `DIR/ab/abcd…`. A file is
 * written to a temporary name beside it and renamed into place, so a reader sees all of it or
 * nothing; one already there is kept when it holds the bytes its name promises (checked), and is
 * replaced the same way only when it does not (a damaged copy). Nothing expires and there is no
 * size cap: the folder is the user's, to clean when no run needs it. The coordinator writes; a
 * worker only reads.
 */
export class FolderInputStore implements InputStore {
  readonly kind = "folder";
  readonly label: string;
  readonly missingHint =
    "give the worker --input-store DIR, the folder the coordinator wrote to (the same shared mount)";
  private readonly written = new Set<string>();

  private constructor(readonly dir: string) {
    this.label = `the input folder ${dir}`;
  }

  /** The coordinator's side: the folder is made if missing, and must take a file now. */
  static async forWriting(dir: string): Promise<FolderInputStore> {
    const store = new FolderInputStore(resolve(dir));
    const probe = join(store.dir, `.skillgrad-probe.${process.pid}.${randomBytes(4).toString("hex")}`);
    try {
      await mkdir(store.dir, { recursive: true });
      await writeFile(probe, "", { flag: "wx" });
      await rm(probe, { force: true });
    } catch (error) {
      throw new SkillgradError(
        `cannot write inputs to --input-store ${dir}: ${reason(error)}; give a folder this machine can write and every worker can read`,
        { cause: error },
      );
    }
    return store;
  }

  /** A worker's side: the folder must be there (the shared mount the coordinator writes to). */
  static async forReading(dir: string): Promise<FolderInputStore> {
    const store = new FolderInputStore(resolve(dir));
    const info = await stat(store.dir).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new SkillgradError(
        `--input-store ${dir} is not a folder on this machine: give the folder the coordinator writes inputs to (the same shared mount)`,
      );
    }
    return store;
  }

  /** Where the bytes of `sha` are; only a valid hash makes a path, so it stays inside the folder. */
  pathOf(sha: string): string {
    checkedSha(sha);
    return join(this.dir, sha.slice(0, 2), sha);
  }

  async put(bytes: Buffer, what: string): Promise<string> {
    const sha = sha256(bytes);
    if (this.written.has(sha)) return sha;
    const path = this.pathOf(sha);
    const there = await this.get(sha).catch(() => null);
    if (there === null || sha256(there) !== sha) {
      const temp = join(dirname(path), `.${sha}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(temp, bytes, { flag: "wx" });
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw (
          storageError(error, "free some space in the input folder, then run again", this.dir) ??
          new SkillgradError(`cannot write ${what} to ${this.label}: ${reason(error)}`, { cause: error })
        );
      }
    }
    this.written.add(sha);
    return sha;
  }

  async get(sha: string): Promise<Buffer | null> {
    const path = this.pathOf(sha);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      // not through a symbolic link: a file put there by hand could name a device or any file
      handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return null;
      throw new InputRejected(`cannot read ${path} in ${this.label}: ${reason(error)}`);
    }
    try {
      if (!(await handle.stat()).isFile())
        throw new InputRejected(`${path} in ${this.label} is not a plain file`);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ELOOP") return "it is a symbolic link";
  if (code === "ENOTDIR" || code === "EEXIST") return "a file is in the way of a folder";
  return errorMessage(error).split("\n")[0] ?? String(code);
}
