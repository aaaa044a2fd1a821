import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { REPO } from "./helpers/paths.js";

// Start-up speed comes from loading only what a command needs; this checks which modules load
// (the time itself is measured by `npm run bench`, not here).
let dir: string;
let preload: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "skillgrad-startup-"));
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

async function loadedModules(args: string[]): Promise<string[]> {
  const log = join(dir, "loaded.txt");
  await writeFile(log, "");
  const result = await runCli(args, { env: { NODE_OPTIONS: `--import ${preload}` } });
  expect(result.code).toBe(0);
  const { readFile } = await import("node:fs/promises");
  const repo = pathToFileURL(REPO).href;
  return (await readFile(log, "utf8"))
    .split("\n")
    .filter((url) => url !== "")
    .map((url) => url.replace(repo, ""));
}

/** What is heavy: any package but commander, and any of our modules outside the CLI's own. */
function heavy(modules: string[]): string[] {
  return modules.filter((path) => {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (pkg) return pkg[1] !== "commander";
    return !/^dist\/(cli\/|errors\.js$|version\.js$|util\/)/.test(path);
  });
}

describe("start-up", () => {
  it.each([[["--help"]], [["grade", "--help"]], [["grade", "wtq", "--help"]], [["help", "grade"]]])(
    "skillgrad %j loads no heavy module",
    async (args) => {
      const modules = await loadedModules(args);
      expect(modules).toContain("dist/cli/main.js");
      expect(heavy(modules)).toEqual([]);
    },
  );

  it("loads only the command that runs", async () => {
    const modules = await loadedModules(["grade", "spreadsheetbench", "--help"]);
    expect(heavy(modules)).toEqual([]);
    expect(modules.filter((path) => path.startsWith("dist/cli/commands/"))).toEqual(
      expect.not.arrayContaining(["dist/cli/commands/eval.js", "dist/cli/commands/optimize.js"]),
    );
  });

  it("still lists every command with its usage in --help", async () => {
    const result = await runCli(["--help"]);
    expect(result.stdout).toMatch(/^ {2}diff \[options\] <dirA> <dirB> /m);
    expect(result.stdout).toMatch(/^ {2}grade {2,}grade benchmark predictions/m);
    expect(result.stdout).toMatch(/^ {2}eval \[options\] {2,}run an agent/m);
  });
});
