import { lstat, readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** Size and modification time of every file in a workspace, by path relative to it. */
export type WorkspaceSnapshot = Map<string, string>;

const MAX_ENTRIES = 20_000;

/** Lists the workspace's files (symlinks as themselves, never followed), up to 20,000 entries. */
export async function snapshotWorkspace(workspace: string): Promise<WorkspaceSnapshot> {
  const found: WorkspaceSnapshot = new Map();
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (found.size >= MAX_ENTRIES) return;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
        continue;
      }
      const info = await lstat(full).catch(() => undefined);
      if (!info) continue;
      found.set(relative(workspace, full).split(sep).join("/"), `${info.size}:${info.mtimeMs}`);
    }
  };
  await walk(workspace);
  return found;
}

/** Files that are new or changed since `before`, sorted. */
export async function filesWrittenSince(workspace: string, before: WorkspaceSnapshot): Promise<string[]> {
  const after = await snapshotWorkspace(workspace);
  return [...after]
    .filter(([path, stamp]) => before.get(path) !== stamp)
    .map(([path]) => path)
    .sort();
}
