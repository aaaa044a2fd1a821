import { randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync } from "node:fs";
import { appendFile, mkdir, rename, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { maskText } from "../models/secrets.js";

/*
 * The record writers. Everything skillgrad writes into a run folder (config, state, ledger, events,
 * results, trajectories, summary, report) and the response cache goes through one of these, and
 * each masks secrets in the text it writes (see src/models/secrets.ts): this is the one place.
 */

/** Writes a file so readers never see half of it: a temp file beside it, then a rename. Text is masked. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, typeof content === "string" ? maskText(content) : content);
  await rename(temp, path);
}

export function writeJsonAtomic(path: string, value: unknown, indent = 2): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value, null, indent)}\n`);
}

/** Appends one JSON line; a line is one write, so a crash loses at most the line being written. */
export async function appendJsonLine(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${maskText(JSON.stringify(value))}\n`);
}

/** appendJsonLine, synchronously: for ledgers, where a crash must never lose a call that was paid for. */
export function appendJsonLineSync(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, `${maskText(JSON.stringify(value))}\n`);
}

/** Whether a path is an existing file (false for anything that cannot be looked at). */
export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** Whether a path is an existing folder (false for anything that cannot be looked at). */
export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
