import { existsSync, readFileSync } from "node:fs";
import { writeJsonAtomic } from "../util/fs.js";

/**
 * Runs a stage once: its output is written atomically to `file`, and a resumed run reads it back
 * instead of running the stage again. Model calls inside a stage that was cut off are answered by
 * the response cache when it runs again, so no completed call is repeated.
 */
export async function once<T>(file: string, compute: () => Promise<T>): Promise<T> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as T;
  const value = await compute();
  await writeJsonAtomic(file, value);
  return value;
}
