import { type ChildProcess, spawn } from "node:child_process";
import { chown, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SkillgradError } from "../../errors.js";
import { bwrapArgs, bwrapPath, SANDBOX_HOME } from "../../sandbox/bwrap.js";
import { limitPrefix } from "../../sandbox/environment.js";
import { SAFE_PATH } from "../../sandbox/executables.js";
import {
  dropPrivilegesPrefix,
  mustDropPrivileges,
  SANDBOX_GID,
  SANDBOX_UID,
} from "../../sandbox/identity.js";
import { resolveSandboxMode, warnReducedIsolation } from "../../sandbox/mode.js";
import { reaperArgv } from "../../sandbox/reaper.js";
import { DEFAULT_LIMITS, type Isolation, type SandboxMode } from "../../sandbox/types.js";

export interface AgentProcessOptions {
  program: string;
  args: string[];
  workspace: string;
  /** Host folders the program needs, bound read-only (see program.ts). */
  readOnlyDirs: string[];
  /**
   * The agent's own variables (its model key, endpoint, switches). The rest of its environment is
   * built here from scratch: PATH, HOME, TMPDIR, LANG; nothing is copied from skillgrad's environment.
   */
  env: Record<string, string>;
  sandbox: SandboxMode;
  timeoutMs: number;
  /** Called with each line the agent prints on stdout. */
  onLine: (line: string) => void;
  /** Address-space limit in MiB (agents built on JavaScript runtimes reserve much virtual memory). */
  memoryMb?: number;
  /** Stops the agent early (e.g. past its turn limit, for agents that have none of their own). */
  signal?: AbortSignal;
}

export interface AgentProcessResult {
  /** null when it was killed by a signal. */
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  /** It printed more than the output ceiling and was stopped. */
  outputLimitExceeded: boolean;
  /** The end of what it printed on stderr. */
  stderrTail: string;
  isolation: Isolation;
  /** The HOME it had (inside the sandbox: a private tmpfs gone with it). */
  home: string;
}

/** stdout beyond this is not read: the agent is stopped (a flood must not exhaust memory). */
const STDOUT_CEILING_BYTES = 256 * 1024 * 1024;
const STDERR_TAIL_CHARS = 4_000;
/** Agents run a JavaScript runtime or many threads: the per-command defaults are too tight for them. */
const AGENT_LIMITS = { memoryMb: 64 * 1024, maxProcesses: 1024 };

/**
 * Runs an external agent in the workspace, in the sandbox the mode asks for:
 * - bubblewrap (as for the built-in agent's commands: read-only system folders, the workspace the only
 *   host folder it may write, a private /tmp that is also its HOME, its own pid namespace, and as root
 *   the user `nobody`) — but sharing the host's network, since the agent must reach its model;
 * - `none`: a fresh HOME folder removed afterwards, the reaper as its parent (kills what it leaves).
 * The whole process tree is killed on timeout. Rejects only when the agent cannot be started at all.
 */
export async function runAgentProcess(options: AgentProcessOptions): Promise<AgentProcessResult> {
  const isolation = resolveSandboxMode(options.sandbox);
  const workspace = await realpath(options.workspace);
  const readOnly = await Promise.all(options.readOnlyDirs.map((dir) => realpath(dir)));
  const limits = {
    ...DEFAULT_LIMITS,
    ...AGENT_LIMITS,
    ...(options.memoryMb ? { memoryMb: options.memoryMb } : {}),
  };
  const dropPrivileges = mustDropPrivileges();
  const baseEnv = (home: string) => ({
    PATH: SAFE_PATH,
    HOME: home,
    TMPDIR: "/tmp",
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    TERM: "dumb",
    PYTHONDONTWRITEBYTECODE: "1",
    ...options.env,
  });

  if (isolation === "bwrap") {
    const bwrap = bwrapPath() as string;
    const args = [
      ...bwrapArgs({
        workspace,
        readOnly,
        cwd: workspace,
        env: baseEnv(SANDBOX_HOME),
        shareNetwork: true,
      }),
      ...limitPrefix(limits),
      options.program,
      ...options.args,
    ];
    // bwrap gets an empty environment: it is pid 1 of the sandbox, and /proc/1/environ is visible.
    // The reaper is its parent, a second guard beside --die-with-parent (once, a Claude Code sandbox
    // was seen outliving a killed skillgrad): a subreaper with its own parent-death signal, it ends
    // every process left below it when skillgrad dies (see reaper.ts).
    const [program, ...reaped] = reaperArgv([bwrap, ...args]) as [string, ...string[]];
    const child = spawnDetached(program, reaped, { cwd: "/", env: {} });
    return watch(child, options, isolation, SANDBOX_HOME, "reaper");
  }

  warnReducedIsolation();
  const home = await mkdtemp(join(tmpdir(), "skillgrad-agent-home-"));
  try {
    if (dropPrivileges) await chown(home, SANDBOX_UID, SANDBOX_GID);
    const command = [
      ...(dropPrivileges ? dropPrivilegesPrefix() : []),
      ...limitPrefix(limits),
      options.program,
      ...options.args,
    ];
    const [program, ...args] = reaperArgv(command) as [string, ...string[]];
    const child = spawnDetached(program, args, { cwd: workspace, env: baseEnv(home) });
    return await watch(child, options, isolation, home, "reaper");
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function spawnDetached(program: string, args: string[], setup: { cwd: string; env: Record<string, string> }) {
  // detached: it leads its own process group, so the whole group can be killed
  return spawn(program, args, { ...setup, detached: true, stdio: ["ignore", "pipe", "pipe"] });
}

function watch(
  child: ChildProcess,
  options: AgentProcessOptions,
  isolation: Isolation,
  home: string,
  stopHow: "group" | "reaper",
): Promise<AgentProcessResult> {
  let timedOut = false;
  let outputLimitExceeded = false;
  let stdoutBytes = 0;
  let pending = "";
  let stderrTail = "";
  let forceTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (stopHow === "group") return killGroup(child);
    if (forceTimer) return;
    // the reaper ends every process the agent started, then itself
    child.kill("SIGTERM");
    forceTimer = setTimeout(() => killGroup(child), 5_000);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener("abort", stop, { once: true });
    child.stdout?.on("data", (chunk: Buffer) => {
      if (outputLimitExceeded) return;
      stdoutBytes += chunk.length;
      if (stdoutBytes > STDOUT_CEILING_BYTES) {
        outputLimitExceeded = true;
        stop();
        return;
      }
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) options.onLine(line);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_CHARS);
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      clearTimeout(forceTimer);
      options.signal?.removeEventListener("abort", stop);
      reject(new SkillgradError(`could not start ${options.program}: ${error.message}`, { cause: error }));
    });
    child.on("exit", () => {
      // what the agent left behind goes with it (bwrap's pid namespace, or the reaper, did it already)
      killGroup(child);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", stop);
      clearTimeout(forceTimer);
      if (pending.trim() && !outputLimitExceeded) options.onLine(pending);
      resolve({
        exitCode: code,
        ...(signal ? { signal } : {}),
        timedOut,
        outputLimitExceeded,
        stderrTail,
        isolation,
        home,
      });
    });
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") child.kill("SIGKILL");
  }
}
