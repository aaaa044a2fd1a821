import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";

/**
 * Secrets never reach a run folder: end to end through the CLI, against a local server on
 * 127.0.0.1 that echoes back what it was sent (the URL with its query key, the Authorization header).
 */

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server | undefined;

async function startServer(handler: Handler): Promise<string> {
  server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    handler(req, res, body);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => {
    server?.closeAllConnections();
    server?.close(() => resolve()) ?? resolve();
  });
  server = undefined;
});

/** A chat completion that calls `finish` with `answer`. */
function finishWith(res: ServerResponse, answer: string): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "fake",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "finish", arguments: JSON.stringify({ answer }) },
              },
            ],
          },
          finish_reason: "tool_calls",
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    }),
  );
}

async function taskDir(): Promise<{ dir: string; tasks: string }> {
  const dir = await mkdtemp(join(tmpdir(), "sg-secrets-"));
  const tasks = join(dir, "tasks.jsonl");
  await writeFile(tasks, `${JSON.stringify({ id: "t1", prompt: "say something", expected: "x" })}\n`);
  return { dir, tasks };
}

/** Every file under a folder, with its text. */
async function everyFile(dir: string): Promise<Array<{ path: string; text: string }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
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
    const host = await startServer((req, res) => finishWith(res, `I was called at ${req.url}`));
    const { dir, tasks } = await taskDir();
    const runs = join(dir, "runs");
    const result = await runCli(
      [
        "eval",
        "--no-skill",
        "--tasks",
        tasks,
        "--model",
        `openai-compatible:http://${host}/v1?api-key=${queryKey}#fake`,
        "--runs-dir",
        runs,
        "--json",
      ],
      { cwd: dir },
    );
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
    const host = await startServer((_req, res) => finishWith(res, "never reached"));
    const { dir, tasks } = await taskDir();
    const runs = join(dir, "runs");
    const result = await runCli(
      [
        "eval",
        "--no-skill",
        "--tasks",
        tasks,
        "--model",
        `openai-compatible:http://admin:${password}@${host}/v1#fake`,
        "--runs-dir",
        runs,
      ],
      { cwd: dir, env: { SKILLGRAD_TEST_NOTHING: "1" } },
    );
    const files = await everyFile(runs);
    const config = files.find(({ path }) => path.endsWith("config.json"))?.text ?? "";
    expect(config).toContain(`http://***@${host}/v1`);
    expectNowhere(files, [password, `admin:${password}`]);
    expect(result.stdout + result.stderr).not.toContain(password);
  });

  it.each([
    ["an sk- key", "sk-live-ECHOED0123456789abcdef"],
    ["a key of any other shape", "live-key-7f3a9c2e41d8"],
  ])("masks %s that the server echoes back in a 401 error body", async (_, key) => {
    const host = await startServer((req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { message: `Incorrect API key provided: ${req.headers.authorization}. Your key: ${key}` },
        }),
      );
    });
    const { dir, tasks } = await taskDir();
    const runs = join(dir, "runs");
    const result = await runCli(
      [
        "eval",
        "--no-skill",
        "--tasks",
        tasks,
        "--model",
        `openai-compatible:http://${host}/v1#fake`,
        "--runs-dir",
        runs,
      ],
      { cwd: dir, env: { OPENAI_COMPATIBLE_API_KEY: key } },
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
