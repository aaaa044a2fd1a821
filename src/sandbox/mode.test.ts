import { chmod, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// This machine's bubblewrap is hidden, as if the package were not installed.
vi.mock("./executables.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("./executables.js")>();
  return {
    ...real,
    findExecutable: (name: string) => (name === "bwrap" ? undefined : real.findExecutable(name)),
  };
});

const { hasBwrap, resolveSandboxMode, runSandboxed } = await import("./index.js");
const { SkillgradError } = await import("../errors.js");

let workspace: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), "skillgrad-mode-"));
  await chmod(workspace, 0o777);
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe("without bubblewrap", () => {
  it("reports bwrap as missing", () => {
    expect(hasBwrap()).toBe(false);
  });

  it.each(["bwrap", "auto"] as const)(
    "refuses %s (fails closed), saying how to install bubblewrap or opt out with none",
    async (mode) => {
      expect(() => resolveSandboxMode(mode)).toThrow(SkillgradError);
      expect(() => resolveSandboxMode(mode)).toThrow(
        /bubblewrap \(bwrap\) is not installed; install bubblewrap \(bash scripts\/install-system-deps.sh.*--sandbox none/,
      );
      const marker = join(workspace, `ran-${mode}`);
      await expect(runSandboxed(["touch", marker], { workspace, mode })).rejects.toThrow(SkillgradError);
      await expect(stat(marker)).rejects.toThrow();
    },
  );

  it("runs an explicit none, and warns once per process that there is no isolation", async () => {
    expect(resolveSandboxMode("none")).toBe("none");
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      const first = await runSandboxed(["echo", "one"], { workspace, mode: "none" });
      const second = await runSandboxed(["echo", "two"], { workspace, mode: "none" });
      expect([first.isolation, second.isolation]).toEqual(["none", "none"]);
      expect(first.stdout + second.stdout).toBe("one\ntwo\n");
    } finally {
      spy.mockRestore();
    }
    const warnings = writes
      .join("")
      .split("\n")
      .filter((line) => line.includes("--sandbox none"));
    expect(warnings).toHaveLength(1);
  });
});
