import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A new empty folder under the system's temporary folder. */
export function tempDir(prefix = "sg-test-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A JSONL task file (tasks.jsonl in `dir`), one task per object. */
export async function writeTasks(dir: string, tasks: object[]): Promise<string> {
  const path = join(dir, "tasks.jsonl");
  await writeFile(path, tasks.map((task) => JSON.stringify(task)).join("\n"));
  return path;
}

/** Every file below a folder, at any depth, as full paths. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}
