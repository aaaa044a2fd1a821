import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evalNoSkill, runCli } from "./helpers/cli.js";
import { useFakeOpenAI } from "./helpers/fake-openai.js";
import { filesUnder, tempDir } from "./helpers/files.js";

/**
 * Secrets never reach a run folder: end to end through the CLI, against a local server on
 * 127.0.0.1 that echoes back what it was sent (the URL with its query key, the Authorization header).
 */

const fake = useFakeOpenAI();

async function taskDir(): Promise<{ dir: string; tasks: string }> {
  const dir = await tempDir();
  const tasks = join(dir, "tasks.jsonl");
  await writeFile(tasks, `${JSON.stringify({ id: "t1", prompt: "say something", expected: "x" })}\n`);
  return { dir, tasks };
}

/** Every file under a folder, with its text. */
async function everyFile(dir: string): Promise<Array<{ path: string; text: string }>> {
  const files = await filesUnder(dir);
  return Promise.all(files.map(async (path) => ({ path, text: await readFile(path, "utf8") })));
}

function expectNowhere(files: Array<{ path: string; text: string }>, secrets: string[]): void {
  const leaks = files.flatMap(({ path, text }) =>
    secrets.filter((secret) => text.includes(secret)).map((secret) => `${secret} in ${path}`),
  );
  expect(leaks).toEqual([]);
}

describe("secrets in run folders", () => {
  it("masks a key in the base URL's query, echoed back in every answer, in every file of the run", async () => {
    const queryKey = "query-key-5f1e9a7c3b";
    const server = await fake.start((request) => ({
      toolCall: { name: "finish", arguments: { answer: `I was called at ${request.url}` } },
    }));
    const { dir, tasks } = await taskDir();
    const runs = join(dir, "runs");
    const model = `openai-compatible:${server.url}?api-key=${queryKey}#fake`;
    const result = await runCli(evalNoSkill(tasks, model, "--runs-dir", runs, "--json"), { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const files = await everyFile(runs);
    const names = files.map(({ path }) => path.slice(runs.length + 1).replace(/^[^/]+\//, ""));
    for (const expected of [
      "config.json",
      "ledger.jsonl",
      "results.jsonl",
      "events.jsonl",
      "summary.json",
      "report.html",
    ])
      expect(names).toContain(expected);
    expect(names.some((name) => name.startsWith("trajectories/"))).toBe(true);
    // The echo made it into the records, masked.
    const results = files.find(({ path }) => path.endsWith("results.jsonl"))?.text ?? "";
    expect(results).toContain("api-key=***");
    expectNowhere(files, [queryKey]);
    expect(result.stdout + result.stderr).not.toContain(queryKey);
  });

  it("masks a user:password in the base URL, in the run folder and on stderr", async () => {
    const password = "hunter2-pass-8d0c6b";
    const server = await fake.start(() => ({
      toolCall: { name: "finish", arguments: { answer: "never reached" } },
    }));
    const { dir, tasks } = await taskDir();
    const runs = join(dir, "runs");
    const model = `openai-compatible:${server.url.replace("http://", `http://admin:${password}@`)}#fake`;
    const result = await runCli(evalNoSkill(tasks, model, "--runs-dir", runs), {
      cwd: dir,
      env: { SKILLGRAD_TEST_NOTHING: "1" },
    });
    const files = await everyFile(runs);
    const config = files.find(({ path }) => path.endsWith("config.json"))?.text ?? "";
    expect(config).toContain(server.url.replace("http://", "http://***@"));
    expectNowhere(files, [password, `admin:${password}`]);
    expect(result.stdout + result.stderr).not.toContain(password);
  });

  it.each([
    ["an sk- key", "sk-live-ECHOED0123456789abcdef"],
    ["a key of any other shape", "live-key-7f3a9c2e41d8"],
  ])("masks %s that the server echoes back in a 401 error body", async (_, key) => {
    const server = await fake.start((request) => ({
      status: 401,
      body: JSON.stringify({
        error: { message: `Incorrect API key provided: ${request.authorization}. Your key: ${key}` },
      }),
    }));
    const { dir, tasks } = await taskDir();
    const runs = join(dir, "runs");
    const result = await runCli(
      evalNoSkill(tasks, `openai-compatible:${server.url}#fake`, "--runs-dir", runs),
      {
        cwd: dir,
        env: { OPENAI_COMPATIBLE_API_KEY: key },
      },
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("401");
    expect(result.stderr).not.toContain(key);
    const files = await everyFile(runs);
    const recorded = files.map(({ text }) => text).join("\n");
    expect(recorded).toContain("Incorrect API key provided");
    expectNowhere(files, [key]);
  });
});
