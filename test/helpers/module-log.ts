import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect } from "vitest";
import { runCli } from "./cli.js";

/**
 * Which modules a CLI run loads, for the start-up tests: a module hook (registered with --import)
 * writes the URL of every file it loads. The hook files are made before the file's tests and
 * removed after them.
 */
export function useModuleLog(): { loaded(args: string[]): Promise<string[]> } {
  let dir: string;
  let preload: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "skillgrad-modules-"));
    const log = join(dir, "loaded.txt");
    await writeFile(
      join(dir, "hooks.mjs"),
      `import { appendFileSync } from "node:fs";
export async function load(url, context, next) {
  if (url.startsWith("file:")) appendFileSync(${JSON.stringify(log)}, url + "\\n");
  return next(url, context);
}\n`,
    );
    preload = join(dir, "register.mjs");
    await writeFile(
      preload,
      `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    /** Runs the CLI (it must succeed) and returns the file URLs it loaded, in order. */
    async loaded(args) {
      const log = join(dir, "loaded.txt");
      await writeFile(log, "");
      const result = await runCli(args, { env: { NODE_OPTIONS: `--import ${preload}` } });
      expect(result.code, result.stderr).toBe(0);
      return (await readFile(log, "utf8")).split("\n").filter((url) => url !== "");
    },
  };
}
