import { constants } from "node:fs";
import { lchown, lstat, mkdir, open, readdir, readFile, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { workspaceOwner } from "../../sandbox/index.js";

/** Why a workspace path was refused; the message goes back to the agent as the tool's result. */
export class WorkspacePathError extends Error {}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * Resolves a path the agent gave against the workspace. The host process reads and writes these
 * files, so a path (or a symlink the agent made in the sandbox) that leads outside is refused.
 */
export async function confinedPath(workspace: string, path: string): Promise<string> {
  const root = await realpath(workspace);
  const target = resolve(root, path);
  if (!inside(root, target)) throw new WorkspacePathError(`${path} is outside the workspace`);
  let existing = target;
  for (;;) {
    const info = await lstat(existing).catch(() => undefined);
    if (info) break;
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const real = await realpath(existing);
  if (!inside(root, real))
    throw new WorkspacePathError(`${path} leads outside the workspace (through a link)`);
  return target;
}

export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n[… ${text.length - maxChars} more characters not shown]`;
}

export async function readWorkspaceFile(workspace: string, path: string, maxChars: number): Promise<string> {
  const full = await confinedPath(workspace, path);
  const info = await lstat(full).catch(() => undefined);
  if (!info) throw new WorkspacePathError(`${path} does not exist`);
  if (info.isDirectory()) throw new WorkspacePathError(`${path} is a folder; use list_files`);
  const bytes = await readFile(full);
  if (bytes.includes(0)) return `${path} is a binary file (${bytes.length} bytes); inspect it with a command`;
  return truncate(bytes.toString("utf8"), maxChars);
}

/**
 * Writes a file for the agent. As root, what is created is given to the sandbox user, so the
 * agent's commands (which run as nobody) can change it; the file is opened without following a
 * symlink, and its owner set through that handle.
 */
export async function writeWorkspaceFile(workspace: string, path: string, content: string, maxBytes: number) {
  if (Buffer.byteLength(content) > maxBytes)
    throw new WorkspacePathError(`content is over ${maxBytes} bytes`);
  const full = await confinedPath(workspace, path);
  const owner = workspaceOwner();
  const firstCreated = await mkdir(dirname(full), { recursive: true });
  if (owner && firstCreated) {
    for (let dir = dirname(full); inside(firstCreated, dir); dir = dirname(dir)) {
      await lchown(dir, owner.uid, owner.gid);
      if (dir === firstCreated) break;
    }
  }
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
  const handle = await open(full, flags, 0o644).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ELOOP")
      throw new WorkspacePathError(`${path} is a symlink; write the file it points to`);
    throw error;
  });
  try {
    if (owner) await handle.chown(owner.uid, owner.gid);
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return `wrote ${Buffer.byteLength(content)} bytes to ${path}`;
}

/** Lists files under a workspace folder, relative to the workspace, at most `limit` entries. */
export async function listWorkspaceFiles(workspace: string, path = ".", limit = 500): Promise<string[]> {
  const root = await realpath(workspace);
  const start = await confinedPath(workspace, path);
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (found.length >= limit) return;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else found.push(relative(root, full).split(sep).join("/"));
    }
  };
  await walk(start);
  return found;
}
