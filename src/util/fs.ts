import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
} from "node:fs";
import { appendFile, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { errorMessage, SkillgradError } from "../errors.js";
import { maskText } from "./secrets.js";

/*
 * The record writers. Everything skillgrad writes into a run folder (config, state, ledger, events,
 * results, trajectories, summary, report) and the response cache goes through one of these, and
 * each masks secrets in the text it writes (see src/util/secrets.ts): this is the one place.
 */

/** Temp files being written right now: removed on failure, and by an interrupt before the process exits. */
const pendingTemps = new Set<string>();

/**
 * Writes a file so readers never see half of it: a temp file beside it, then a rename. Text is
 * masked. On failure (a full disk) the temp file is removed and the target is left as it was.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  pendingTemps.add(temp);
  try {
    await writeFile(temp, typeof content === "string" ? maskText(content) : content);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    pendingTemps.delete(temp);
  }
}

/** Removes the temp files of writes still in progress (for a process about to exit). */
export function removePendingTempFilesSync(): void {
  for (const temp of pendingTemps) rmSync(temp, { force: true });
  pendingTemps.clear();
}

export function writeJsonAtomic(path: string, value: unknown, indent = 2): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, indent)}\n`);
}

/** Appends one JSON line; a line is one write, so a crash loses at most the line being written. */
export async function appendJsonLine(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  dropTornLine(path);
  await appendFile(path, `${maskText(JSON.stringify(value))}\n`);
}

/** appendJsonLine, synchronously: for ledgers, where a crash must never lose a call that was paid for. */
export function appendJsonLineSync(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  dropTornLine(path);
  appendFileSync(path, `${maskText(JSON.stringify(value))}\n`);
}

/** Line files this process has checked for a torn last line. */
const checkedLineFiles = new Set<string>();

/**
 * The first append of a process to a JSON-lines file removes a last line left unfinished (by a full
 * disk, or a kill mid-write), so the new lines do not run on from it and the file stays readable.
 * The unfinished line held no complete record.
 */
function dropTornLine(path: string): void {
  if (checkedLineFiles.has(path)) return;
  checkedLineFiles.add(path);
  let fd: number;
  try {
    fd = openSync(path, "r+");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    // read back from the end to the last newline (a line is short; read in chunks anyway)
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const read = readSync(fd, chunk, 0, end - start, start);
      const newline = chunk.subarray(0, read).lastIndexOf(0x0a);
      if (newline >= 0) {
        const keep = start + newline + 1;
        if (keep < size) ftruncateSync(fd, keep);
        return;
      }
      end = start;
    }
    ftruncateSync(fd, 0);
  } finally {
    closeSync(fd);
  }
}

/** Whether a path is an existing file (false for anything that cannot be looked at). */
export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** Whether a path is an existing folder (false for anything that cannot be looked at). */
export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * Reads a JSON file a run depends on; a damaged one is named in a one-line error that says what to
 * do (`what` names it for the user, e.g. "the run's checkpoint").
 */
export function readJsonFileSync<T>(path: string, what: string, fix: string): T {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SkillgradError(`cannot read ${what} ${path} (${errorMessage(error)}); ${fix}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    const reason = text.trim() === "" ? "it is empty" : `it is not valid JSON: ${errorMessage(error)}`;
    throw new SkillgradError(`${what} ${path} is damaged (${reason}); ${fix}`, { cause: error });
  }
}
