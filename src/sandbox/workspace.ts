import { cp, lchown, lstat, mkdir, mkdtemp, readdir, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { SkillgradError } from "../errors.js";
import { mustDropPrivileges, SANDBOX_GID, SANDBOX_UID } from "./identity.js";

/** One input file or folder to copy into a workspace: `to` is relative to the workspace. */
export interface WorkspaceFile {
  from: string;
  to: string;
}

/**
 * Creates a fresh, empty workspace folder inside `parentDir` (created if missing), copies the
 * task's input files into it, and returns its absolute path. Symlinks are copied as the files they
 * point to, so nothing in the workspace leads back to the host. As root, the new tree is given to
 * the sandbox user, so commands (which run as nobody) can write in it.
 */
export async function createWorkspace(parentDir: string, files: WorkspaceFile[]): Promise<string> {
  const targets = files.map((file) => ({ from: resolve(file.from), to: workspaceRelative(file.to) }));
  await mkdir(parentDir, { recursive: true });
  const workspace = await realpath(await mkdtemp(join(resolve(parentDir), "ws-")));
  for (const target of targets) {
    const exists = await stat(target.from).catch(() => undefined);
    if (!exists) {
      throw new SkillgradError(`input file ${target.from} does not exist; fix the task's input list`);
    }
    await cp(target.from, join(workspace, target.to), { recursive: true, dereference: true });
  }
  if (mustDropPrivileges()) await handOverFreshWorkspace(workspace);
  return workspace;
}

/** Checks that `to` stays inside the workspace and returns it normalised. */
function workspaceRelative(to: string): string {
  const normalised = relative("/ws", resolve("/ws", to));
  if (
    !to ||
    isAbsolute(to) ||
    normalised === "" ||
    normalised === ".." ||
    normalised.startsWith(`..${sep}`)
  ) {
    throw new SkillgradError(
      `input file destination "${to}" is outside the workspace; use a relative path such as "data/input.xlsx"`,
    );
  }
  return normalised;
}

/**
 * Running as root, commands run as `nobody` (see identity.ts), so the workspace skillgrad just made
 * (and only that: never a folder it was given) is handed to that user, once, before any command
 * runs in it. Nothing else can reach the fresh folder yet (mkdtemp makes it 0700, root's), and
 * lchown never follows a symlink.
 */
async function handOverFreshWorkspace(path: string): Promise<void> {
  await lchown(path, SANDBOX_UID, SANDBOX_GID);
  const info = await lstat(path);
  if (!info.isDirectory()) return;
  for (const name of await readdir(path)) await handOverFreshWorkspace(join(path, name));
}

/** The owner files skillgrad writes into a workspace must get (the sandbox user when we are root). */
export function workspaceOwner(): { uid: number; gid: number } | undefined {
  return mustDropPrivileges() ? { uid: SANDBOX_UID, gid: SANDBOX_GID } : undefined;
}
