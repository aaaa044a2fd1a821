import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { useModuleLog } from "./helpers/module-log.js";
import { REPO } from "./helpers/paths.js";

// Start-up speed comes from loading only what a command needs; this checks which modules load
// (the time itself is measured by `npm run bench`, not here).
const moduleLog = useModuleLog();

/** The files a run loads, ours as dist/… paths. */
async function loadedModules(args: string[]): Promise<string[]> {
  const repo = pathToFileURL(REPO).href;
  return (await moduleLog.loaded(args)).map((url) => url.replace(repo, ""));
}

/**
 * What start-up must not load: any package but commander (the AI SDK, zod, xlsx…), and the module of a
 * command that is not run. Our own small leaf modules (errors, version, secrets masking…) are fine;
 * more than MAX_OWN of them would mean a module graph crept in.
 */
const MAX_OWN = 15;
function heavy(modules: string[], commandsRun: string[]): string[] {
  const own = modules.filter((path) => path.startsWith("dist/"));
  const found = modules.filter((path) => {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
    if (pkg) return pkg[1] !== "commander";
    const command = /^dist\/cli\/commands\/([^/.]+)\.js$/.exec(path)?.[1];
    return (
      command !== undefined && command !== "index" && !commandsRun.some((run) => command.startsWith(run))
    );
  });
  return own.length > MAX_OWN ? [...found, `${own.length} of our modules: ${own.join(", ")}`] : found;
}

describe("start-up", () => {
  it.each([[["--help"]], [["grade", "--help"]], [["grade", "wtq", "--help"]], [["help", "grade"]]])(
    "skillgrad %j loads no heavy module",
    async (args) => {
      const modules = await loadedModules(args);
      expect(modules).toContain("dist/cli/main.js");
      expect(heavy(modules, ["grade"])).toEqual([]);
    },
  );

  it("loads only the command that runs", async () => {
    const modules = await loadedModules(["grade", "spreadsheetbench", "--help"]);
    expect(heavy(modules, ["grade"])).toEqual([]);
    expect(modules).toContain("dist/cli/commands/grade-spreadsheetbench.js");
    expect(heavy([...modules, "dist/cli/commands/eval.js"], ["grade"])).toEqual([
      "dist/cli/commands/eval.js",
    ]);
  });

  it("still lists every command with its usage in --help", async () => {
    const result = await runCli(["--help"]);
    expect(result.stdout).toMatch(/^ {2}diff \[options\] <dirA> <dirB> /m);
    expect(result.stdout).toMatch(/^ {2}grade {2,}grade benchmark predictions/m);
    expect(result.stdout).toMatch(/^ {2}eval \[options\] {2,}run an agent/m);
  });
});
