import { spawnSync } from "node:child_process";
import { lstatSync, readlinkSync } from "node:fs";
import { SkillgradError } from "../errors.js";
import { findExecutable, isExecutableFile } from "./executables.js";
import { currentUser, dropPrivilegesPrefix, type HostUser, mustDropPrivileges } from "./identity.js";
import { SANDBOX_TMP_MB } from "./types.js";

/**
 * bubblewrap command lines.
 *
 * Layout inside the sandbox: /usr, /etc and the /bin, /sbin, /lib* entries of the host, read-only;
 * a fresh /proc (own pid namespace), a minimal /dev, a private size-capped tmpfs /tmp (also HOME)
 * and /dev/shm; the workspace bound read-write at the SAME absolute path as on the host, and the
 * working directory. Nothing else of the host is visible (no /root, /home, /work, /run …). All
 * namespaces are unshared, so there is no network at all.
 *
 * As root, bwrap runs privileged (no user namespace) and the command is dropped to uid 65534 with
 * setpriv and no capabilities, so RLIMIT_NPROC applies and host files keep their permissions.
 * As a normal user, bwrap creates a user namespace and the command keeps the user's uid.
 */
export const SANDBOX_HOME = "/tmp";

const SYSTEM_DIRS = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/**
 * The bubblewrap program: SKILLGRAD_BWRAP when set (a path; one that is not an executable file
 * means "no bubblewrap"), else the first `bwrap` found on PATH or in the system folders.
 */
export function bwrapPath(): string | undefined {
  const chosen = process.env.SKILLGRAD_BWRAP;
  if (chosen !== undefined && chosen !== "") return isExecutableFile(chosen) ? chosen : undefined;
  return findExecutable("bwrap");
}

/** bubblewrap is installed (it may still not work, e.g. without user namespaces: see resolveSandboxMode). */
export function hasBwrap(): boolean {
  return bwrapPath() !== undefined;
}

export interface BwrapSetup {
  /** Absolute, real path of the workspace; omitted only by the probe. */
  workspace?: string;
  /** Absolute, real host folders bound read-only at the same path (before the workspace). */
  readOnly?: string[];
  /** Where the command starts (default: the workspace). */
  cwd?: string;
  env: Record<string, string>;
  user?: HostUser;
  /**
   * Keep the host's network (an external agent must reach its model endpoint). Everything else
   * stays unshared. Default: no network at all.
   */
  shareNetwork?: boolean;
}

/** bwrap's arguments up to and including the `--` that precedes the command. */
export function bwrapArgs(setup: BwrapSetup): string[] {
  const user = setup.user ?? currentUser();
  const privileged = mustDropPrivileges(user);
  const args = privileged
    ? ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    : ["--unshare-all", "--unshare-user"];
  if (setup.shareNetwork) {
    if (privileged) args.splice(args.indexOf("--unshare-net"), 1);
    else args.push("--share-net");
  }
  args.push("--die-with-parent", "--new-session", "--hostname", "sandbox");
  args.push("--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc");
  for (const dir of SYSTEM_DIRS) args.push(...systemDirArgs(dir));
  args.push("--proc", "/proc", "--dev", "/dev");
  args.push("--perms", "1777", "--size", String(SANDBOX_TMP_MB * 1024 * 1024), "--tmpfs", "/tmp");
  args.push("--perms", "1777", "--size", String(64 * 1024 * 1024), "--tmpfs", "/dev/shm");
  const bound = [...(setup.readOnly ?? []), ...(setup.workspace ? [setup.workspace] : [])];
  for (const dir of traversableParents(bound)) args.push("--perms", "0755", "--dir", dir);
  for (const dir of setup.readOnly ?? []) args.push("--ro-bind", dir, dir);
  if (setup.workspace) args.push("--bind", setup.workspace, setup.workspace);
  const cwd = setup.cwd ?? setup.workspace;
  if (cwd) args.push("--chdir", cwd);
  args.push("--clearenv");
  for (const [name, value] of Object.entries(setup.env)) args.push("--setenv", name, value);
  if (!privileged) return [...args, "--"];
  args.push("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--");
  return [...args, ...dropPrivilegesPrefix()];
}

/**
 * The folders above the bound ones that bwrap would otherwise create as root-only (0700): made
 * 0755 first, so a command dropped to `nobody` can reach the workspace and the read-only folders by
 * their absolute paths (as external agents do), not only relative to its working directory. They
 * are empty mount points in the sandbox's own root; nothing of the host shows through them.
 */
function traversableParents(bound: string[]): string[] {
  const mounted = ["/usr", "/etc", "/proc", "/dev", ...SYSTEM_DIRS, ...bound];
  const under = (path: string, root: string) => path === root || path.startsWith(`${root}/`);
  const parents = new Set<string>();
  for (const dir of bound) {
    const parts = dir.split("/").filter(Boolean);
    for (let depth = 1; depth < parts.length; depth++) {
      const parent = `/${parts.slice(0, depth).join("/")}`;
      if (parent === "/tmp" || mounted.some((root) => under(parent, root))) continue;
      parents.add(parent);
    }
  }
  return [...parents].sort((a, b) => a.split("/").length - b.split("/").length || a.localeCompare(b));
}

/** Mirrors a host system folder: the same symlink (merged /usr) or a read-only bind. */
function systemDirArgs(dir: string): string[] {
  const info = (() => {
    try {
      return lstatSync(dir);
    } catch {
      return undefined;
    }
  })();
  if (!info) return [];
  if (info.isSymbolicLink()) return ["--symlink", readlinkSync(dir), dir];
  return info.isDirectory() ? ["--ro-bind", dir, dir] : [];
}

const probes = new Map<string, { usable: boolean; reason: string }>();

/** Runs `true` in a sandbox once per process (per bwrap program) to learn whether bwrap works here. */
export function probeBwrap(): { usable: boolean; reason: string } {
  const bwrap = bwrapPath();
  if (!bwrap) {
    const chosen = process.env.SKILLGRAD_BWRAP;
    return {
      usable: false,
      reason: chosen
        ? `SKILLGRAD_BWRAP=${chosen} is not an executable file`
        : "bubblewrap (bwrap) is not installed",
    };
  }
  const known = probes.get(bwrap);
  if (known) return known;
  const probed = runProbe(bwrap);
  probes.set(bwrap, probed);
  return probed;
}

function runProbe(bwrap: string): { usable: boolean; reason: string } {
  let args: string[];
  try {
    args = [...bwrapArgs({ env: { PATH: "/usr/bin:/bin" } }), "true"];
  } catch (error) {
    if (!(error instanceof SkillgradError)) throw error;
    return { usable: false, reason: error.message };
  }
  const result = spawnSync(bwrap, args, { env: {}, encoding: "utf8", timeout: 15_000 });
  if (result.status === 0) return { usable: true, reason: "" };
  const said = (
    result.stderr || (result.error ? String(result.error) : `exit status ${result.status}`)
  ).trim();
  return { usable: false, reason: `bwrap (${bwrap}) does not work here: ${said.split("\n")[0]}` };
}
