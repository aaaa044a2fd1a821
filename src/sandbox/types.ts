/**
 * How commands are isolated: `auto` and `bwrap` use bubblewrap and refuse to run when it does not
 * work here; `none` is the explicit opt-out (no isolation, with a warning).
 */
export type SandboxMode = "auto" | "bwrap" | "none";

/** The isolation a command actually ran under. */
export type Isolation = "bwrap" | "none";

export interface SandboxLimits {
  /** Wall-clock limit; on expiry the whole process tree is killed and the exit code is 124. */
  timeoutMs: number;
  /** Characters kept per stream (stdout, stderr); the rest is replaced by a "[… N more bytes truncated …]" note. */
  maxOutputChars: number;
  /**
   * Address-space limit (RLIMIT_AS) for every process of the command, in MiB. When no cgroup caps
   * the total (see totalMemoryMb) and it is not given, it is lowered to FALLBACK_MEMORY_MB.
   */
  memoryMb: number;
  /**
   * Memory of all the command's processes together, in MiB: a memory cgroup, where this machine
   * offers one skillgrad may write (see cgroup.ts). Going over it stops the whole command.
   */
  totalMemoryMb: number;
  /** Process limit (RLIMIT_NPROC) for the sandbox user; contains fork bombs. */
  maxProcesses: number;
  /**
   * Disk the workspace (and, under --sandbox none, the command's own temp folder) may take, in MiB.
   * Checked twice a second while the command runs: growing past it stops the command. A workspace
   * already past it may not grow. No single file may be larger (RLIMIT_FSIZE).
   */
  diskMb: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  timeoutMs: 120_000,
  maxOutputChars: 20_000,
  memoryMb: 4096,
  totalMemoryMb: 4096,
  maxProcesses: 256,
  diskMb: 2048,
};

/** The per-process memory cap used when no cgroup caps the total and none was asked for, in MiB. */
export const FALLBACK_MEMORY_MB = 2048;

/** Combined bytes of stdout + stderr after which the command is killed (a flood must not exhaust memory). */
export const OUTPUT_HARD_CEILING_BYTES = 50 * 1024 * 1024;

/** Size of the private /tmp inside bubblewrap (a tmpfs lives in RAM, so it is capped), in MiB. */
export const SANDBOX_TMP_MB = 512;

export interface SandboxResult {
  /** The command's exit status; 124 on timeout, 128 + signal number when killed by a signal. */
  exitCode: number;
  /** Name of the signal that ended the process, when Node saw one (e.g. "SIGKILL"). */
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** True when stdout or stderr was shortened. */
  truncated: boolean;
  /** True when the command was killed for writing more than OUTPUT_HARD_CEILING_BYTES. */
  outputLimitExceeded: boolean;
  /** True when the command was stopped because its processes together went over totalMemoryMb. */
  memoryLimitExceeded: boolean;
  /** True when the command was stopped because the workspace grew past diskMb. */
  diskLimitExceeded: boolean;
  /** How memory was capped: "total" (a cgroup, all processes together) or "per-process" (RLIMIT_AS only). */
  memoryCap: "total" | "per-process";
  durationMs: number;
  isolation: Isolation;
}

/** An argv (run directly, no shell) or a shell script run with bash (sh if bash is missing). */
export type SandboxCommand = string[] | { shell: string };

export interface RunSandboxedOptions {
  /** Folder the command runs in and the only place it may write (see createWorkspace). */
  workspace: string;
  mode?: SandboxMode;
  limits?: Partial<SandboxLimits>;
  stdin?: string;
  /** Extra environment variables (the command sees them: never put a secret here). */
  env?: Record<string, string>;
  /** Host folders the command may read: bound read-only at the same path under bubblewrap. */
  readOnlyDirs?: string[];
  /** Folder the command starts in: the workspace (default) or one of `readOnlyDirs`. */
  cwd?: string;
}
