import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

describe("skillgrad models", () => {
  it("lists the installable models under $XDG_CACHE_HOME, and says how to install a missing one", async () => {
    const cache = await mkdtemp(join(tmpdir(), "models-cli-"));
    const env = { XDG_CACHE_HOME: cache };
    const list = await runCli(["models", "list", "--json"], { env });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({
        name: "gemma3-270m",
        installed: false,
        path: join(cache, "skillgrad", "models", "gemma-3-270m-q4_k_m.gguf"),
        license: expect.stringContaining("Gemma Terms of Use"),
      }),
    ]);
    const path = await runCli(["models", "path", "gemma3-270m"], { env });
    expect(path.code).toBe(1);
    expect(path.stderr).toContain("gemma3-270m is not installed: run `skillgrad models pull gemma3-270m`");
    const unknown = await runCli(["models", "pull", "llama-9000"], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown model "llama-9000": skillgrad can pull gemma3-270m');
  });
});
