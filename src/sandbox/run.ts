import { type ChildProcess, spawn } from "node:child_process";
import { chown, mkdtemp, realpath, rm, stat } from "node:fs/promises";
import { constants as osConstants, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { SkillgradError } from "../errors.js";
import { bwrapArgs, bwrapPath, SANDBOX_HOME } from "./bwrap.js";
import { type CommandCgroup, createCommandCgroup } from "./cgroup.js";
import { diskUsage } from "./disk.js";
import { commandArgv, limitPrefix, sandboxEnv } from "./environment.js";
import { dropPrivilegesPrefix, mustDropPrivileges, SANDBOX_GID, SANDBOX_UID } from "./identity.js";
import { resolveSandboxMode, warnReducedIsolation } from "./mode.js";
import { OutputCollector } from "./output.js";
import { reaperArgv } from "./reaper.js";
import {
  DEFAULT_LIMITS,
  FALLBACK_MEMORY_MB,
  type Isolation,
  OUTPUT_HARD_CEILING_BYTES,
  type RunSandboxedOptions,
  type SandboxCommand,
  type SandboxLimits,
  type SandboxResult,
} from "./types.js";

/** After the command exits, how long to wait for its pipes to close before giving up on them. */
const PIPE_GRACE_MS = 2_000;

/**
 * Runs one command in `options.workspace` under the sandbox: bubblewrap (see bwrap.ts), or with
 * `mode: "none"` only a cleared environment, limits and the reaper (with a one-time warning).
 * Never rejects because of what the command does; rejects (SkillgradError) when the command cannot
 * be started as asked, including when `auto`/`bwrap` finds no working bubblewrap (it fails closed).
 */
export async function runSandboxed(
  command: SandboxCommand,
  options: RunSandboxedOptions,
): Promise<SandboxResult> {
  const limits = resolveLimits(options.limits);
  const argv = commandArgv(command);
  if (argv.length === 0 || !argv[0])
    throw new SkillgradError("no command to run; give the program and its arguments");
  const workspace = await existingWorkspace(options.workspace);
  const readOnly = await Promise.all((options.readOnlyDirs ?? []).map(existingFolder));
  const cwd = options.cwd === undefined ? workspace : await existingFolder(options.cwd);
  if (cwd !== workspace && !readOnly.includes(cwd))
    throw new SkillgradError(
      `the command's folder ${cwd} must be the workspace or one of the read-only folders`,
    );
  const env = { ...options.env };
  const mode = options.mode ?? "auto";
  const isolation = resolveSandboxMode(mode);
  if (isolation === "none") warnReducedIsolation();
  // As root the command runs as nobody; the workspace's owner is never changed here (a folder
  // skillgrad made was handed over once by createWorkspace; any other stays as it is).
  const dropPrivileges = mustDropPrivileges();
  const cgroup = createCommandCgroup(limits.totalMemoryMb);
  if (!cgroup && options.limits?.memoryMb === undefined)
    limits.memoryMb = Math.min(limits.memoryMb, FALLBACK_MEMORY_MB);
  const home = isolation === "none" ? await mkdtemp(join(tmpdir(), "skillgrad-home-")) : undefined;
  try {
    const guard: Guard = { cgroup, diskRoots: home ? [workspace, home] : [workspace] };
    if (isolation === "bwrap") {
      const bwrap = bwrapPath() as string; // resolveSandboxMode just found it
      const args = [
        ...bwrapArgs({ workspace, readOnly, cwd, env: { ...env, ...sandboxEnv(SANDBOX_HOME) } }),
        ...limitPrefix(limits),
        ...argv,
      ];
      // bwrap gets an empty environment: it is pid 1 of the sandbox, and /proc/1/environ is visible.
      // Its pid namespace ends every process the command leaves behind when the command ends. With
      // a cgroup, a shell puts itself in it and then becomes bwrap, so every process is in it.
      const [program, ...programArgs] = cgroup
        ? [
            "/bin/sh",
            "-c",
            'echo $$ > "$1" && shift && exec "$@"',
            "skillgrad-cgroup",
            cgroup.procsFile,
            bwrap,
            ...args,
          ]
        : [bwrap, ...args];
      return await execute(
        program as string,
        programArgs,
        { cwd: "/", env: {} },
        limits,
        options.stdin,
        isolation,
        "group",
        guard,
      );
    }
    const tempHome = home as string;
    if (dropPrivileges) await chown(tempHome, SANDBOX_UID, SANDBOX_GID);
    // The reaper (see reaper.ts) is the command's parent: it holds only the cleared environment,
    // joins the cgroup, and kills whatever the command leaves behind. As root it stays root; the
    // command becomes nobody.
    const command = [...(dropPrivileges ? dropPrivilegesPrefix() : []), ...limitPrefix(limits), ...argv];
    const [program, ...args] = reaperArgv(command, cgroup?.procsFile) as [string, ...string[]];
    return await execute(
      program,
      args,
      { cwd, env: { ...env, ...sandboxEnv(tempHome, tempHome) } },
      limits,
      options.stdin,
      isolation,
      "reaper",
      guard,
    );
  } finally {
    await cgroup?.remove();
    if (home) await rm(home, { recursive: true, force: true });
  }
}

function resolveLimits(partial: Partial<SandboxLimits> = {}): SandboxLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof SandboxLimits)[]) {
    const value = partial[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) {
      throw new SkillgradError(`sandbox limit ${key} must be a positive number, got ${value}`);
    }
    limits[key] = key === "timeoutMs" ? value : Math.floor(value);
  }
  return limits;
}

async function existingFolder(folder: string): Promise<string> {
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory())
    throw new SkillgradError(`folder ${folder} does not exist; pass an existing folder`);
  return realpath(folder);
}

async function existingWorkspace(workspace: string): Promise<string> {
  const info = await stat(workspace).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new SkillgradError(
      `workspace folder ${workspace} does not exist; create it or pass an existing folder`,
    );
  }
  return realpath(workspace);
}

interface SpawnSetup {
  cwd: string;
  env: Record<string, string>;
}

/**
 * How to stop a command early: "group" SIGKILLs its process group; "reaper" asks the reaper to
 * kill every process of the command (SIGTERM), and SIGKILLs the group if it has not ended soon.
 */
type StopHow = "group" | "reaper";

/** How long the reaper gets to clean up after SIGTERM. */
const REAPER_GRACE_MS = 5_000;

/** What is watched while the command runs: its memory cgroup (if any) and the folders it may fill. */
interface Guard {
  cgroup: CommandCgroup | undefined;
  diskRoots: string[];
}

/** How often the memory cgroup and the disk use are looked at while a command runs. */
const WATCH_MS = 250;
const MIB = 1024 * 1024;

async function execute(
  program: string,
  args: string[],
  setup: SpawnSetup,
  limits: SandboxLimits,
  stdin: string | undefined,
  isolation: Isolation,
  stopHow: StopHow,
  guard: Guard,
): Promise<SandboxResult> {
  const started = performance.now();
  // A workspace already past its disk cap may not grow; otherwise it may grow up to the cap.
  const diskLimit = Math.max(limits.diskMb * MIB, await diskUsage(guard.diskRoots));
  const stdout = new OutputCollector(limits.maxOutputChars);
  const stderr = new OutputCollector(limits.maxOutputChars);
  // detached: the command leads its own process group, so the whole group can be killed.
  const child = spawn(program, args, { ...setup, detached: true, stdio: ["pipe", "pipe", "pipe"] });
  let timedOut = false;
  let outputLimitExceeded = false;
  let memoryLimitExceeded = false;
  let diskLimitExceeded = false;
  let forceTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (stopHow === "group") return killTree(child);
    if (forceTimer) return;
    child.kill("SIGTERM");
    forceTimer = setTimeout(() => killTree(child), REAPER_GRACE_MS);
  };

  return new Promise<SandboxResult>((resolve, reject) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    const timeoutTimer = setTimeout(() => {
      timedOut = true;
      stop();
    }, limits.timeoutMs);
    let measuring = false;
    const watchTimer = setInterval(() => {
      if (exit) return;
      if (!memoryLimitExceeded && (guard.cgroup?.oomKills() ?? 0) > 0) {
        memoryLimitExceeded = true;
        stop();
      }
      if (measuring || diskLimitExceeded) return;
      measuring = true;
      diskUsage(guard.diskRoots, diskLimit)
        .then((used) => {
          if (used > diskLimit && !exit) {
            diskLimitExceeded = true;
            stop();
          }
        })
        .finally(() => {
          measuring = false;
        });
    }, WATCH_MS);

    const onData = (collector: OutputCollector) => (chunk: Buffer) => {
      collector.push(chunk);
      if (!outputLimitExceeded && stdout.totalBytes + stderr.totalBytes > OUTPUT_HARD_CEILING_BYTES) {
        outputLimitExceeded = true;
        stop();
      }
    };
    child.stdout?.on("data", onData(stdout));
    child.stderr?.on("data", onData(stderr));
    child.stdin?.on("error", (error: NodeJS.ErrnoException) => {
      // The command may exit or close stdin without reading it all; that is not our error.
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") reject(error);
    });
    child.stdin?.end(stdin ?? "");

    child.on("error", (error) => {
      clearTimeout(timeoutTimer);
      clearTimeout(forceTimer);
      clearInterval(watchTimer);
      reject(new SkillgradError(`could not start ${program}: ${error.message}`, { cause: error }));
    });
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      clearTimeout(timeoutTimer); // it ended in time, even if its pipes close later
      clearTimeout(forceTimer);
      clearInterval(watchTimer);
      // An out-of-memory kill just before the end still counts.
      if ((guard.cgroup?.oomKills() ?? 0) > 0) memoryLimitExceeded = true;
      // bwrap's pid namespace or the reaper already ended what the command left behind; the
      // process group is a last resort.
      killTree(child);
      graceTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, PIPE_GRACE_MS);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      clearInterval(watchTimer);
      const ended = exit ?? { code, signal };
      const out = stdout.result();
      const err = stderr.result();
      resolve({
        exitCode: exitCodeOf(ended.code, ended.signal, timedOut),
        ...(ended.signal ? { signal: ended.signal } : {}),
        stdout: out.text,
        stderr: err.text,
        timedOut,
        truncated: out.truncated || err.truncated,
        outputLimitExceeded,
        memoryLimitExceeded,
        diskLimitExceeded,
        memoryCap: guard.cgroup ? "total" : "per-process",
        durationMs: Math.round(performance.now() - started),
        isolation,
      });
    });
  });
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null, timedOut: boolean): number {
  if (timedOut) return 124;
  if (code !== null) return code;
  const number = signal ? osConstants.signals[signal] : undefined;
  return 128 + (number ?? 0);
}

/** SIGKILL to the command's whole process group; fine if it is already gone. */
function killTree(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") child.kill("SIGKILL");
  }
}
