import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * Disk space the files under `roots` take (allocated blocks, so sparse files count what they use),
 * counting at most up to `stopAbove` bytes: the walk ends as soon as that is passed. Entries that
 * vanish while it walks (the command is still running) are skipped.
 */
export async function diskUsage(roots: string[], stopAbove = Number.POSITIVE_INFINITY): Promise<number> {
  let total = 0;
  const stack = [...roots];
  while (stack.length > 0 && total <= stopAbove) {
    const path = stack.pop() as string;
    const info = await lstat(path).catch(() => undefined);
    if (!info) continue;
    total += info.blocks * 512;
    if (!info.isDirectory()) continue;
    const names = await readdir(path).catch(() => [] as string[]);
    for (const name of names) stack.push(join(path, name));
  }
  return total;
}
