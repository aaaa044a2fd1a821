import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A memory cgroup per command, so the memory of all the command's processes together is capped
 * (RLIMIT_AS only caps each process). Used when this machine offers one skillgrad may write:
 * - cgroup v2: the process's own cgroup already delegates the memory controller to its children
 *   (`memory` in its cgroup.subtree_control); each command gets a child with memory.max and
 *   memory.oom.group (an out-of-memory kill ends every process of the command);
 * - cgroup v1: the process's memory cgroup lets it make children (typically as root); each command
 *   gets a child with memory.limit_in_bytes (and memory.memsw.limit_in_bytes where swap is counted).
 * SKILLGRAD_CGROUP=off turns this off; SKILLGRAD_CGROUP=DIR uses DIR as the parent cgroup.
 * Without one, the sandbox falls back to a lower per-process cap (see run.ts) and says so in the docs.
 */
export interface CgroupParent {
  version: 1 | 2;
  dir: string;
}

export interface CommandCgroup {
  /** The cgroup.procs file a process writes its pid to, to put itself and its future children in. */
  procsFile: string;
  /** How many processes the kernel killed for going over the cap, so far. */
  oomKills(): number;
  /** Kills whatever is still in the cgroup and removes it. */
  remove(): Promise<void>;
}

const CGROUP_ROOT = "/sys/fs/cgroup";

let detected: CgroupParent | undefined | null = null;
let counter = 0;

/** The cgroup under which commands get theirs, or undefined when there is none skillgrad can use. */
export function cgroupParent(): CgroupParent | undefined {
  if (detected !== null) return detected;
  detected = detect();
  return detected;
}

function detect(): CgroupParent | undefined {
  const chosen = process.env.SKILLGRAD_CGROUP;
  if (chosen === "off") return undefined;
  const candidate = chosen ? { version: versionOf(chosen), dir: chosen } : ownCgroup();
  if (!candidate || !usable(candidate)) return undefined;
  removeStaleChildren(candidate.dir);
  return candidate;
}

function versionOf(dir: string): 1 | 2 {
  return existsSync(join(dir, "cgroup.controllers")) ? 2 : 1;
}

/** This process's own memory cgroup, from /proc/self/cgroup. */
function ownCgroup(): CgroupParent | undefined {
  let lines: string[];
  try {
    lines = readFileSync("/proc/self/cgroup", "utf8").trim().split("\n");
  } catch {
    return undefined;
  }
  if (existsSync(join(CGROUP_ROOT, "cgroup.controllers"))) {
    const path = lines.find((line) => line.startsWith("0::"))?.slice(3);
    return path === undefined ? undefined : { version: 2, dir: join(CGROUP_ROOT, path) };
  }
  const memory = lines
    .map((line) => line.split(":"))
    .find(([, controllers]) => controllers?.split(",").includes("memory"));
  const path = memory?.slice(2).join(":");
  return path === undefined ? undefined : { version: 1, dir: join(CGROUP_ROOT, "memory", path) };
}

/** Whether a child with a memory cap can be made here (tried once). */
function usable(parent: CgroupParent): boolean {
  if (parent.version === 2) {
    const delegated = readText(join(parent.dir, "cgroup.subtree_control"))?.split(/\s+/).includes("memory");
    if (!delegated) return false;
  }
  const probe = join(parent.dir, `skillgrad-probe-${process.pid}`);
  try {
    mkdirSync(probe);
  } catch {
    return false;
  }
  try {
    writeFileSync(join(probe, limitFile(parent)), String(64 * 1024 * 1024));
    return true;
  } catch {
    return false;
  } finally {
    rmdirQuietly(probe);
  }
}

function limitFile(parent: CgroupParent): string {
  return parent.version === 2 ? "memory.max" : "memory.limit_in_bytes";
}

/** Empty cgroups left by skillgrad processes that are gone (a crash) are removed. */
function removeStaleChildren(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /^skillgrad-(?:probe-)?(\d+)(?:-\d+)?$/.exec(name)?.[1];
    if (pid && !alive(Number(pid))) rmdirQuietly(join(dir, name));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A fresh cgroup capping the memory of one command's processes together at `limitMb`. */
export function createCommandCgroup(limitMb: number): CommandCgroup | undefined {
  const parent = cgroupParent();
  if (!parent) return undefined;
  const dir = join(parent.dir, `skillgrad-${process.pid}-${++counter}`);
  const bytes = String(limitMb * 1024 * 1024);
  mkdirSync(dir);
  try {
    writeFileSync(join(dir, limitFile(parent)), bytes);
  } catch (error) {
    rmdirQuietly(dir);
    throw error;
  }
  // Optional knobs: swap counted against the cap, and one OOM kill ending the whole command.
  if (parent.version === 1) tryWrite(join(dir, "memory.memsw.limit_in_bytes"), bytes);
  else {
    tryWrite(join(dir, "memory.swap.max"), "0");
    tryWrite(join(dir, "memory.oom.group"), "1");
  }
  return {
    procsFile: join(dir, "cgroup.procs"),
    oomKills: () => {
      const text = readText(join(dir, parent.version === 2 ? "memory.events" : "memory.oom_control")) ?? "";
      return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
    },
    remove: () => removeCgroup(dir, parent),
  };
}

async function removeCgroup(dir: string, parent: CgroupParent): Promise<void> {
  for (let round = 0; round < 100; round++) {
    const pids = (readText(join(dir, "cgroup.procs")) ?? "").split("\n").filter(Boolean).map(Number);
    if (pids.length === 0 && rmdirQuietly(dir)) return;
    if (parent.version === 2 && tryWrite(join(dir, "cgroup.kill"), "1")) {
      // the kernel kills them all
    } else {
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  rmdirQuietly(dir);
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function tryWrite(path: string, value: string): boolean {
  try {
    writeFileSync(path, value);
    return true;
  } catch {
    return false;
  }
}

function rmdirQuietly(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}
