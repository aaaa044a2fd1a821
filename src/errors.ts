/**
 * An error the user can act on: the message says what is wrong and what to do.
 * The CLI prints it as one line (no stack unless --debug) and exits with `exitCode`.
 */
export class SkillgradError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "SkillgradError";
    this.exitCode = options.exitCode ?? 1;
  }
}

/** A command line that cannot be run as given (exit code 2, like commander's own usage errors). */
export class UsageError extends SkillgradError {
  constructor(message: string) {
    super(message, { exitCode: 2 });
    this.name = "UsageError";
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const STORAGE_FAILURES: Record<string, string> = {
  ENOSPC: "disk full: no space left",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
};

/**
 * A write that failed for lack of space or a read-only disk, as one line naming the folder;
 * undefined for any other error. `then` says what to do next (e.g. how to resume).
 */
export function storageError(
  error: unknown,
  then = "free some space or choose another folder, then run again",
  /** Named when the failed call does not say which file it was (a failed append). */
  folder?: string,
): SkillgradError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const what = code === undefined ? undefined : STORAGE_FAILURES[code];
  if (!what) return undefined;
  const path = (error as NodeJS.ErrnoException).path;
  const dir = path ? path.replace(/\/[^/]*$/, "") || "/" : folder;
  const where = dir ? ` writing in ${dir}` : "";
  return new SkillgradError(`${what}${where}; ${then}`, { cause: error });
}
