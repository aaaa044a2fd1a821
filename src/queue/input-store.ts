/** The kinds of store a queued run's inputs can be in; every job names one. */
export const INPUT_STORE_KINDS = ["redis", "folder"] as const;
export type InputStoreKind = (typeof INPUT_STORE_KINDS)[number];

/**
 * Where a queued run's inputs (skill files, task files) wait for the workers, by content hash.
 * Every store keeps this contract:
 *
 * - `put(bytes, what)` stores the bytes and resolves to their sha256 (64 lowercase hex digits) once
 *   a `get` of that hash, by any process using the same store, finds them. Putting the same bytes
 *   again is harmless. The store's own writes never make a hash hold other bytes, and a reader never
 *   sees part of a write. `what` names the input in errors (for example one too big for the store).
 * - `get(sha)` resolves to the bytes stored under `sha`, or null when there are none. It does not
 *   check them: a store can be shared, damaged or written by others, so the reader (BlobCache)
 *   checks every byte against the hash and refuses a mismatch. Whatever `sha` is, `get` reads only
 *   inside the store: anything but 64 lowercase hex digits is refused (InputRejected).
 * - `kind` goes into every job, so a worker reads a job's inputs from a store of that kind. Where
 *   that store is comes from the worker's own settings (`--queue`, `--input-store`), never from
 *   the job.
 */
export interface InputStore {
  readonly kind: InputStoreKind;
  /** How messages name it: "Redis", "the input folder /mnt/inputs". */
  readonly label: string;
  /** What to do when an input is not in it (the end of a worker's refusal). */
  readonly missingHint: string;
  put(bytes: Buffer, what: string): Promise<string>;
  get(sha: string): Promise<Buffer | null>;
}
