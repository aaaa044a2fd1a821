import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SkillgradError } from "../errors.js";
import { createWorkspace, hasBwrap, resolveSandboxMode, runSandboxed, type WorkspaceFile } from "./index.js";

const bwrapInstalled = hasBwrap();
if (!bwrapInstalled)
  console.warn("skipping runSandboxed bubblewrap tests: bwrap is not installed (apt install bubblewrap)");

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "skillgrad-run-"));
  await chmod(scratch, 0o755);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

afterEach(() => {
  delete process.env.OPENAI_API_KEY;
});

/** A workspace as the executor makes it (as root, handed to the sandbox user when it is made). */
function workspace(files: WorkspaceFile[] = []): Promise<string> {
  return createWorkspace(scratch, files);
}

const modes = bwrapInstalled ? (["bwrap", "none"] as const) : (["none"] as const);

describe.each(modes)("runSandboxed in %s mode", (mode) => {
  it("reports the isolation it used, the exit code and both streams", async () => {
    const result = await runSandboxed(
      { shell: "echo out; echo err >&2; exit 3" },
      { workspace: await workspace(), mode },
    );
    expect(result).toMatchObject({
      exitCode: 3,
      stdout: "out\n",
      stderr: "err\n",
      timedOut: false,
      isolation: mode,
    });
    expect(result.truncated).toBe(false);
  });

  it("feeds stdin to the command", async () => {
    const result = await runSandboxed(["tr", "a-z", "A-Z"], {
      workspace: await workspace(),
      mode,
      stdin: "shout\n",
    });
    expect(result.stdout).toBe("SHOUT\n");
  });

  it("builds the environment from scratch, never from process.env", async () => {
    process.env.OPENAI_API_KEY = "sk-from-the-host-process";
    const result = await runSandboxed(["env"], { workspace: await workspace(), mode });
    expect(result.stdout).not.toContain("sk-from-the-host-process");
    const names = result.stdout
      .trim()
      .split("\n")
      .map((line) => line.split("=")[0]);
    for (const name of names)
      expect([
        "PATH",
        "HOME",
        "TMPDIR",
        "LANG",
        "LC_ALL",
        "TERM",
        "PYTHONDONTWRITEBYTECODE",
        "PWD",
        "SHLVL",
        "_",
      ]).toContain(name);
  });

  it("lets the command change the input files copied into the workspace", async () => {
    const input = join(scratch, `input-${mode}.txt`);
    await writeFile(input, "v1\n");
    const dir = await workspace([{ from: input, to: "from-host.txt" }]);
    const result = await runSandboxed(
      { shell: "echo v2 >> from-host.txt && rm -f gone.txt" },
      { workspace: dir, mode },
    );
    expect(result.exitCode).toBe(0);
    expect(await readFile(join(dir, "from-host.txt"), "utf8")).toBe("v1\nv2\n");
  });

  it("kills the whole process tree at the timeout: exit code 124, timedOut", async () => {
    const dir = await workspace();
    const result = await runSandboxed(
      { shell: "(sleep 2; echo late > late.txt) & while :; do :; done" },
      {
        workspace: dir,
        mode,
        limits: { timeoutMs: 1000 },
      },
    );
    expect(result).toMatchObject({ exitCode: 124, timedOut: true });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await expect(readFile(join(dir, "late.txt"), "utf8")).rejects.toThrow();
  });

  it("reports 128 + N when the command dies of signal N", async () => {
    const result = await runSandboxed({ shell: "kill -KILL $$" }, { workspace: await workspace(), mode });
    expect(result.exitCode).toBe(137);
  });
});

describe("sandbox modes", () => {
  it.runIf(bwrapInstalled)("auto and bwrap resolve to bubblewrap when it works; none stays none", () => {
    expect(resolveSandboxMode("auto")).toBe("bwrap");
    expect(resolveSandboxMode("bwrap")).toBe("bwrap");
    expect(resolveSandboxMode("none")).toBe("none");
  });

  it("refuses a workspace that does not exist", async () => {
    const missing = join(scratch, "missing");
    await expect(runSandboxed(["true"], { workspace: missing, mode: "none" })).rejects.toThrow(
      SkillgradError,
    );
    await expect(runSandboxed(["true"], { workspace: missing, mode: "none" })).rejects.toThrow(
      "does not exist",
    );
  });

  it("refuses limits that are not positive numbers", async () => {
    const dir = await workspace();
    await expect(
      runSandboxed(["true"], { workspace: dir, mode: "none", limits: { timeoutMs: 0 } }),
    ).rejects.toThrow("timeoutMs must be a positive number");
  });
});
