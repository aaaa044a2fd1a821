import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { SkillgradError } from "../errors.js";
import type { InputStore } from "./input-store.js";

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const SHA256 = /^[0-9a-f]{64}$/;

/** A worker will not run a job whose inputs are missing or do not match their content hash. */
export class InputRejected extends SkillgradError {
  constructor(message: string) {
    super(message);
    this.name = "InputRejected";
  }
}

/** A content hash as the stores take it: 64 lowercase hex digits, so it is safe in a key or a path. */
export function checkedSha(sha: string, what = "an input"): string {
  if (!SHA256.test(sha)) throw new InputRejected(`${what} has no valid content hash (${sha.slice(0, 80)})`);
  return sha;
}

/**
 * A worker's local copies of inputs, by content hash. Every use checks the bytes against the hash:
 * a damaged copy is fetched again; bytes from the store that do not match their hash are refused.
 */
export class BlobCache {
  constructor(
    private readonly dir: string,
    private readonly store: InputStore,
  ) {}

  /** A local file holding the bytes whose sha256 is `sha`. */
  async file(sha: string, what: string): Promise<string> {
    checkedSha(sha, what);
    const path = join(this.dir, sha.slice(0, 2), sha);
    const cached = await readFile(path).catch(() => undefined);
    if (cached && sha256(cached) === sha) return path;
    if (cached) await rm(path, { force: true });
    const bytes = await this.store.get(sha);
    if (bytes === null) {
      throw new InputRejected(
        `${what} (sha256 ${sha.slice(0, 12)}) is not in ${this.store.label}: ${this.store.missingHint}`,
      );
    }
    if (sha256(bytes) !== sha) {
      throw new InputRejected(
        `${what} failed its hash check: the bytes in ${this.store.label} are not sha256 ${sha}`,
      );
    }
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(temp, bytes);
    await rename(temp, path);
    return path;
  }

  /** The bytes whose sha256 is `sha`, checked. */
  async read(sha: string, what: string): Promise<Buffer> {
    const path = await this.file(sha, what);
    const bytes = await readFile(path);
    if (sha256(bytes) !== sha) throw new InputRejected(`${what} failed its hash check`);
    return bytes;
  }
}
