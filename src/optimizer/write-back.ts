import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  readFile,
  realpath,
  rename,
  rm,
  rmdir,
  unlink,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { SkillgradError } from "../errors.js";
import { isInside, listPackageFiles } from "../skill/files.js";

export interface WriteBackInput {
  /** The user's skill folder as given (it may be a symlink). */
  skillDir: string;
  /** The run's copy of the skill as it was when the run began (skills/v000/<name>). */
  seedDir: string;
  /** The version to write back (best/<name>). */
  bestDir: string;
  /** Where the backup copy of the user's folder goes (made fresh; if it exists, "-2", "-3"… is added). */
  backupRoot: string;
}

export interface WriteBackResult {
  /** The real folder written into (symlinks resolved). */
  target: string;
  /** A whole copy of the folder before anything was written (null when nothing needed writing). */
  backup: string | null;
  changed: string[];
  added: string[];
  removed: string[];
  /** Files that were symlinks and whose content changed: each is now a regular file. */
  unlinked: string[];
}

/**
 * Writes a skill version back into the user's folder file by file. Only the files skillgrad manages
 * are touched: a file is written when the best version's bytes differ, and deleted only when the
 * seed had it and the best version removed it. Everything else in the folder (.git/, files the skill
 * loader skips) stays as it is; an existing file keeps its mode and owner. A file the user changed
 * since the run began (it matches neither the seed nor the best version) stops the write-back before
 * anything is written. A whole copy of the folder is made first.
 */
export async function writeBack(input: WriteBackInput): Promise<WriteBackResult> {
  let target: string;
  try {
    target = await realpath(input.skillDir);
  } catch {
    throw new SkillgradError(
      `cannot write back: ${input.skillDir} no longer exists; the best version is in ${input.bestDir}`,
    );
  }
  const seed = await contents(input.seedDir);
  const best = await contents(input.bestDir);
  const paths = [...new Set([...seed.keys(), ...best.keys()])].sort();
  const current = new Map<string, Buffer | undefined>();
  for (const rel of paths) current.set(rel, await readCurrent(target, rel));

  const conflicts = paths.filter((rel) => {
    const now = current.get(rel);
    return !same(now, best.get(rel)) && !same(now, seed.get(rel));
  });
  if (conflicts.length > 0) {
    const shown = conflicts.slice(0, 3).join(", ") + (conflicts.length > 3 ? ", …" : "");
    throw new SkillgradError(
      `not written back: ${conflicts.length} file(s) in ${input.skillDir} changed since the run began (${shown}); nothing was changed — copy what you want from ${input.bestDir} by hand`,
    );
  }

  const result: WriteBackResult = { target, backup: null, changed: [], added: [], removed: [], unlinked: [] };
  if (paths.every((rel) => same(current.get(rel), best.get(rel)))) return result;

  // an earlier backup (of a write-back that was interrupted, or done before) is never replaced
  let backupRoot = input.backupRoot;
  for (let n = 2; existsSync(backupRoot); n++) backupRoot = `${input.backupRoot}-${n}`;
  await mkdir(backupRoot, { recursive: true });
  result.backup = path.join(backupRoot, path.basename(target));
  await cp(target, result.backup, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });

  for (const rel of paths) {
    const now = current.get(rel);
    const wanted = best.get(rel);
    if (same(now, wanted)) continue;
    const file = await confined(target, rel);
    if (wanted === undefined) {
      // the seed had it and the best version removed it
      await unlink(file);
      await removeEmptyParents(target, path.dirname(file));
      result.removed.push(rel);
      continue;
    }
    const info = await lstat(file).catch(() => undefined);
    if (info?.isSymbolicLink()) result.unlinked.push(rel);
    (now === undefined ? result.added : result.changed).push(rel);
    await replaceFile(file, wanted, info?.isFile() ? info : undefined);
  }
  return result;
}

async function contents(dir: string): Promise<Map<string, Buffer>> {
  const { files } = await listPackageFiles(dir);
  const map = new Map<string, Buffer>();
  for (const file of files) map.set(file.path, await readFile(file.absolute));
  return map;
}

async function readCurrent(root: string, rel: string): Promise<Buffer | undefined> {
  const file = path.join(root, ...rel.split("/"));
  try {
    const real = await realpath(file);
    // a link leading outside the folder is not a skill file (the loader skips it)
    if (!isInside(real, root)) return undefined;
    return await readFile(real);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return undefined;
    throw error;
  }
}

function same(a: Buffer | undefined, b: Buffer | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.equals(b);
}

/** The path of `rel` in the real folder, after checking that its parent folders stay inside it. */
async function confined(root: string, rel: string): Promise<string> {
  const file = path.join(root, ...rel.split("/"));
  let dir = path.dirname(file);
  // the deepest existing parent must resolve inside the folder (no folder symlink leading out)
  for (;;) {
    const real = await realpath(dir).catch(() => undefined);
    if (real !== undefined) {
      if (!isInside(real, root)) {
        throw new SkillgradError(
          `cannot write back ${rel}: ${path.relative(root, dir)} leads outside ${root}; replace that symlink with a folder`,
        );
      }
      break;
    }
    dir = path.dirname(dir);
  }
  return file;
}

/** Replaces a file atomically (a temp file beside it, then a rename), keeping an existing file's mode and owner. */
async function replaceFile(
  file: string,
  bytes: Buffer,
  existing: { mode: number; uid: number; gid: number } | undefined,
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString("hex")}.skillgrad-tmp`;
  try {
    await writeFile(temp, bytes);
    if (existing) {
      await chmod(temp, existing.mode & 0o7777);
      if (process.getuid?.() === 0) await chown(temp, existing.uid, existing.gid);
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

async function removeEmptyParents(root: string, dir: string): Promise<void> {
  while (dir !== root && isInside(dir, root)) {
    try {
      await rmdir(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOTEMPTY" || code === "EEXIST") return; // still holds other files: keep it
      throw error;
    }
    dir = path.dirname(dir);
  }
}
