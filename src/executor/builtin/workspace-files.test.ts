import { lstat, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace, runSandboxed } from "../../sandbox/index.js";
import { TOOL } from "./protocol.js";
import { executorTools } from "./tools.js";
import { writeWorkspaceFile } from "./workspace-files.js";

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "skillgrad-workspace-files-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("writeWorkspaceFile", () => {
  it.runIf(process.getuid?.() === 0)(
    "as root, gives what it creates to the sandbox user, so the agent's commands can change it",
    async () => {
      const workspace = await createWorkspace(scratch, []);
      await writeWorkspaceFile(workspace, "a/b/c.txt", "v1\n", 1000);
      for (const path of ["a", "a/b", "a/b/c.txt"])
        expect((await lstat(join(workspace, path))).uid).toBe(65534);
      const result = await runSandboxed({ shell: "echo v2 >> a/b/c.txt" }, { workspace, mode: "none" });
      expect(result.exitCode).toBe(0);
      expect(await readFile(join(workspace, "a/b/c.txt"), "utf8")).toBe("v1\nv2\n");
    },
  );

  it("does not write through a symlink, even one that stays in the workspace", async () => {
    const workspace = await createWorkspace(scratch, []);
    await writeWorkspaceFile(workspace, "real.txt", "real\n", 1000);
    await symlink(join(workspace, "real.txt"), join(workspace, "link.txt"));
    await expect(writeWorkspaceFile(workspace, "link.txt", "changed\n", 1000)).rejects.toThrow(
      "link.txt is a symlink",
    );
    expect(await readFile(join(workspace, "real.txt"), "utf8")).toBe("real\n");
  });
});

describe("executor tools", () => {
  it("run one at a time: a file write asked for during a command waits for the command to end", async () => {
    const workspace = await createWorkspace(scratch, []);
    const tools = executorTools({ workspace, sandbox: "none", commandTimeoutSec: 10, maxOutputChars: 1000 });
    const options = { toolCallId: "call", messages: [] };
    const order: string[] = [];
    const shell = Promise.resolve(
      tools[TOOL.runShell].execute?.({ command: "sleep 0.5; echo command > seen.txt" }, options),
    ).then(() => order.push("command"));
    const write = Promise.resolve(
      tools[TOOL.writeFile].execute?.({ path: "seen.txt", content: "write\n" }, options),
    ).then(() => order.push("write"));
    await Promise.all([shell, write]);
    expect(order).toEqual(["command", "write"]);
    expect(await readFile(join(workspace, "seen.txt"), "utf8")).toBe("write\n");
  });
});
