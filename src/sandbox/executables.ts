import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Directories the sandboxed command's PATH holds (system binaries only, never ~/.pyenv shims). */
export const SAFE_PATH = "/usr/local/bin:/usr/bin:/bin";

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** An executable regular file (not a folder, which also passes the X_OK check). */
export function isExecutableFile(path: string): boolean {
  try {
    return statSync(path).isFile() && isExecutable(path);
  } catch {
    return false;
  }
}

/** First executable called `name` on the host PATH or in the system directories, else undefined. */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), ...SAFE_PATH.split(":"), "/usr/sbin", "/sbin"];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** First executable called `name` in the system directories only (what exists inside the sandbox). */
export function findSystemExecutable(name: string): string | undefined {
  for (const dir of SAFE_PATH.split(":")) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}
