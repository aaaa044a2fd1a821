import type { Redis } from "ioredis";
import { SkillgradError } from "../errors.js";
import { checkedSha, sha256 } from "./blobs.js";
import type { InputStore } from "./input-store.js";
import { PREFIX } from "./redis.js";

/** How long an input stays in Redis after it was last sent (a resumed run sends it again). */
export const BLOB_TTL_SEC = 7 * 24 * 3600;
/** Bigger inputs do not go through Redis. */
export const MAX_BLOB_BYTES = 256 * 1024 * 1024;

export const blobKey = (sha: string) => `${PREFIX}:blob:${sha}`;

/** Inputs in the queue's own Redis (the default): each under the sha256 of its bytes, for a week. */
export class RedisInputStore implements InputStore {
  readonly kind = "redis";
  readonly label = "the queue's Redis";
  readonly missingHint = "it expired or was never sent; run the coordinator again";
  private readonly sent = new Set<string>();

  constructor(private readonly redis: Redis) {}

  /** Stores bytes (once per process) and returns their sha256. */
  async put(bytes: Buffer, what: string): Promise<string> {
    const sha = sha256(bytes);
    if (this.sent.has(sha)) return sha;
    if (bytes.length > MAX_BLOB_BYTES) {
      throw new SkillgradError(
        `${what} is ${Math.round(bytes.length / 2 ** 20)} MiB: inputs sent through Redis may be at most ${MAX_BLOB_BYTES / 2 ** 20} MiB; put the inputs in a shared folder instead (--input-store DIR)`,
      );
    }
    // written even when present: the coordinator's copy is the true one, and its expiry starts again
    await this.redis.set(blobKey(sha), bytes, "EX", BLOB_TTL_SEC);
    this.sent.add(sha);
    return sha;
  }

  async get(sha: string): Promise<Buffer | null> {
    return this.redis.getBuffer(blobKey(checkedSha(sha)));
  }
}
