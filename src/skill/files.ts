import { readdir, readFile, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { SkillLoadError } from "./load-error.js";
import type { SkillProblem } from "./types.js";

/** Version-control folders and OS/editor droppings that are never part of a skill. */
const JUNK_DIRS = new Set([".git", ".hg", ".svn", "__pycache__"]);
const JUNK_FILES = new Set([".DS_Store", "Thumbs.db", "desktop.ini"]);

export function isJunk(name: string, isDir: boolean): boolean {
  if (isDir) return JUNK_DIRS.has(name);
  return (
    JUNK_FILES.has(name) || name.startsWith("._") || name.endsWith(".pyc") || /^\..*\.sw[op]$/.test(name)
  );
}

export interface PackageFile {
  /** Relative POSIX path. */
  path: string;
  absolute: string;
  size: number;
}

/**
 * Lists every file of a skill folder, sorted by path. Symlinks to files inside the folder are
 * read as files; other symlinks (leading outside, to folders, or broken) are skipped with a warning.
 */
export async function listPackageFiles(
  root: string,
): Promise<{ files: PackageFile[]; problems: SkillProblem[] }> {
  const realRoot = await realpath(root);
  const files: PackageFile[] = [];
  const problems: SkillProblem[] = [];

  async function walk(dir: string, rel: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const absolute = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!isJunk(entry.name, true)) await walk(absolute, relPath);
      } else if (entry.isFile()) {
        if (!isJunk(entry.name, false))
          files.push({ path: relPath, absolute, size: (await stat(absolute)).size });
      } else if (entry.isSymbolicLink()) {
        const target = await resolveInside(absolute, realRoot, relPath);
        if (target) files.push({ path: relPath, absolute, size: target.size });
        else
          problems.push({
            severity: "warning",
            code: "symlink-skipped",
            message: `${relPath} is a symlink that does not lead to a file inside the skill folder; it was skipped (replace it with a real file)`,
            file: relPath,
          });
      }
    }
  }

  await walk(root, "");
  files.sort((a, b) => comparePaths(a.path, b.path));
  return { files, problems };
}

async function resolveInside(
  link: string,
  realRoot: string,
  relPath: string,
): Promise<{ size: number } | undefined> {
  let target: string;
  try {
    target = await realpath(link);
  } catch (error) {
    if (isNotFound(error)) return undefined; // a broken link
    if ((error as NodeJS.ErrnoException).code === "ELOOP") {
      throw new SkillLoadError(
        "symlink-loop",
        "is a symlink loop (it leads back to itself); remove it or point it at a real file",
        { file: relPath, cause: error },
      );
    }
    throw error;
  }
  if (!isInside(target, realRoot)) return undefined;
  const info = await stat(target);
  return info.isFile() ? { size: info.size } : undefined;
}

/** True when `child` is `parent` or lies below it (both absolute, already resolved). */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Orders paths by their UTF-8 bytes, so the order is the same everywhere (no locale). */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

export async function readPackageFile(file: PackageFile): Promise<Buffer> {
  return readFile(file.absolute);
}
