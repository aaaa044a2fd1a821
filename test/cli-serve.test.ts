import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readServeLedger } from "../src/serve/index.js";
import { runCli } from "./helpers/cli.js";
import { startServe } from "./helpers/serve.js";

describe("skillgrad serve", () => {
  it.each([
    [["serve"], /choose the model to serve with --model/],
    [["serve", "--model", "sim", "--fault-rate", "0.5"], /--fault-rate and --fault-seed need --faults/],
    [["serve", "--model", "sim", "--faults", "429,boom"], /unknown fault "boom"/],
    [["serve", "--model", "gpt-4"], /invalid model "gpt-4"/],
    [["serve", "--model", "sim", "--fault-rate", "2", "--faults", "429"], /expected a number from 0 to 1/],
  ])("refuses %j with one line and exit 2", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("serves the sim until stopped, logging each request", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cli-serve-"));
    const ledger = join(dir, "ledger.jsonl");
    const serve = await startServe(["--model", "sim", "--ledger", ledger, "--cache-dir", join(dir, "cache")]);
    try {
      const health = await fetch(`${serve.url}/health`);
      expect(await health.json()).toEqual({ status: "ok", model: "sim" });
      const reply = await fetch(`${serve.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ model: "anything", messages: [{ role: "user", content: "hi" }] }),
      });
      expect(reply.status).toBe(200);
      const body = (await reply.json()) as { choices: Array<{ message: { content: string } }> };
      expect(body.choices[0]?.message.content).toContain("sim");
    } finally {
      await serve.stop();
    }
    expect(serve.child.exitCode).toBe(0);
    const lines = await readServeLedger(ledger);
    expect(lines.map((line) => [line.api, line.status])).toEqual([
      ["health", 200],
      ["chat.completions", 200],
    ]);
  });
});
