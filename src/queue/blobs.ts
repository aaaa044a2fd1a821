import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Redis } from "ioredis";
import { SkillgradError } from "../errors.js";
import { PREFIX } from "./redis.js";

/** How long an input stays in Redis after it was last sent (a resumed run sends it again). */
export const BLOB_TTL_SEC = 7 * 24 * 3600;
/** Bigger inputs do not go through Redis. */
export const MAX_BLOB_BYTES = 256 * 1024 * 1024;

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const blobKey = (sha: string) => `${PREFIX}:blob:${sha}`;
const SHA256 = /^[0-9a-f]{64}$/;

/** A worker will not run a job whose inputs are missing or do not match their content hash. */
export class InputRejected extends SkillgradError {
  constructor(message: string) {
    super(message);
    this.name = "InputRejected";
  }
}

/** Content-addressed inputs in Redis: each stored once under the sha256 of its bytes. */
export class BlobStore {
  private readonly sent = new Set<string>();

  constructor(private readonly redis: Redis) {}

  /** Stores bytes (once per process) and returns their sha256. */
  async put(bytes: Buffer, what: string): Promise<string> {
    const sha = sha256(bytes);
    if (this.sent.has(sha)) return sha;
    if (bytes.length > MAX_BLOB_BYTES) {
      throw new SkillgradError(
        `${what} is ${Math.round(bytes.length / 2 ** 20)} MiB: inputs sent through the queue may be at most ${MAX_BLOB_BYTES / 2 ** 20} MiB`,
      );
    }
    // written even when present: the coordinator's copy is the true one, and its expiry starts again
    await this.redis.set(blobKey(sha), bytes, "EX", BLOB_TTL_SEC);
    this.sent.add(sha);
    return sha;
  }

  async get(sha: string): Promise<Buffer | null> {
    return this.redis.getBuffer(blobKey(sha));
  }
}

/**
 * A worker's local copies of inputs, by content hash. Every use checks the bytes against the hash:
 * a damaged copy is fetched again; bytes from Redis that do not match their hash are refused.
 */
export class BlobCache {
  constructor(
    private readonly dir: string,
    private readonly store: BlobStore,
  ) {}

  /** A local file holding the bytes whose sha256 is `sha`. */
  async file(sha: string, what: string): Promise<string> {
    if (!SHA256.test(sha)) throw new InputRejected(`${what} has no valid content hash (${sha})`);
    const path = join(this.dir, sha.slice(0, 2), sha);
    const cached = await readFile(path).catch(() => undefined);
    if (cached && sha256(cached) === sha) return path;
    if (cached) await rm(path, { force: true });
    const bytes = await this.store.get(sha);
    if (bytes === null) {
      throw new InputRejected(
        `${what} (sha256 ${sha.slice(0, 12)}) is not in the queue's store: it expired or was never sent; run the coordinator again`,
      );
    }
    if (sha256(bytes) !== sha) {
      throw new InputRejected(`${what} failed its hash check: the bytes in the queue are not sha256 ${sha}`);
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
