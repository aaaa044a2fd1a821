// The real local model (gemma3-270m through node-llama-cpp), end to end: a structured-output call,
// one agent task with tool calls in the sandbox, graded, and `serve` answering the official
// OpenAI and Anthropic clients. The model is pulled first (idempotent: a verified copy is reused).
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { generateText, Output } from "ai";
import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ModelHub, readLedger } from "../src/models/index.js";
import { runCli } from "./helpers/cli.js";
import { startServe } from "./helpers/serve.js";

const MODEL = "local:gemma3-270m";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "local-model-"));
  const pulled = await runCli(["models", "pull", "gemma3-270m"], { timeoutMs: 600_000 });
  expect(pulled.code, pulled.stderr).toBe(0);
  expect(existsSync(pulled.stdout.trim())).toBe(true);
}, 600_000);

describe("the local model (gemma3-270m, real)", () => {
  it("keeps to a JSON schema under its grammar, with tokens counted and no cost", async () => {
    const hub = new ModelHub({ roles: { judge: MODEL }, ledgerPath: join(dir, "ledger.jsonl") });
    const schema = z.object({ verdict: z.enum(["pass", "fail"]), reason: z.string() });
    const reply = await generateText({
      model: hub.model("judge"),
      system: "You grade answers.",
      prompt: "Question: 2+2? Answer given: 4. Grade it.",
      output: Output.object({ schema }),
      maxOutputTokens: 64,
      maxRetries: 0,
    });
    expect(schema.parse(reply.output)).toEqual(reply.output);
    const [entry] = await readLedger(join(dir, "ledger.jsonl"));
    expect(entry).toMatchObject({ model: MODEL, costUsd: 0, cacheHit: false });
    expect(entry?.inputTokens).toBeGreaterThan(5);
    expect(entry?.outputTokens).toBeGreaterThan(3);
  }, 300_000);

  it("stops a generation when the caller aborts", async () => {
    const hub = new ModelHub({ roles: { executor: MODEL } });
    // loaded first, so that the abort falls in the generation
    await generateText({ model: hub.model("executor"), prompt: "Hi.", maxOutputTokens: 1, maxRetries: 0 });
    const controller = new AbortController();
    const started = Date.now();
    const call = generateText({
      model: hub.model("executor"),
      prompt: "Write a long story about a lighthouse.",
      maxOutputTokens: 2000,
      maxRetries: 0,
      abortSignal: controller.signal,
    });
    setTimeout(() => controller.abort(), 1500);
    await expect(call).rejects.toThrow();
    // 2,000 tokens take minutes on a CPU; the abort ends it within seconds
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 120_000);

  it("runs an agent task with tool calls in the sandbox, and grades it", async () => {
    const task = join(dir, "task");
    await mkdir(join(task, "data"), { recursive: true });
    await writeFile(join(task, "data", "units.csv"), "units\n3\n4\n");
    await writeFile(
      join(task, "tasks.jsonl"),
      `${JSON.stringify({ id: "units", prompt: "What is the total of units in units.csv?", files: ["data/units.csv"], expected: "7", grader: { type: "numeric" } })}\n`,
    );
    const result = await runCli(
      [
        "eval",
        "--tasks",
        join(task, "tasks.jsonl"),
        "--no-skill",
        "--model",
        MODEL,
        "--max-turns",
        "2",
        "--json",
      ],
      { env: { SKILLGRAD_LOCAL_MAX_TOKENS: "96" }, timeoutMs: 300_000, cwd: dir },
    );
    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout).runDir as string;
    const results = (await readFile(join(run, "results.jsonl"), "utf8")).trim().split("\n");
    expect(results).toHaveLength(1);
    const graded = JSON.parse(results[0] ?? "{}");
    expect(graded).toMatchObject({ taskId: "units", pass: expect.any(Boolean), score: expect.any(Number) });
    const trajectory = JSON.parse(await readFile(join(run, graded.trajectory), "utf8"));
    const executed = trajectory.steps.flatMap((step: { toolResults?: unknown[] }) => step.toolResults ?? []);
    expect(executed.length).toBeGreaterThan(0);
    const ledger = await readLedger(join(run, "ledger.jsonl"));
    expect(ledger.length).toBeGreaterThan(0);
    expect(ledger.every((entry) => entry.model === MODEL && entry.costUsd === 0 && !entry.error)).toBe(true);
  }, 300_000);

  it("answers the official OpenAI and Anthropic clients through serve", async () => {
    const serve = await startServe([
      ...["--model", MODEL, "--ledger", join(dir, "serve.jsonl"), "--cache-dir", join(dir, "serve-cache")],
    ]);
    try {
      const openai = new OpenAI({
        apiKey: "unused",
        baseURL: `${serve.url}/v1`,
        maxRetries: 0,
        timeout: 240_000,
      });
      const completion = await openai.chat.completions.create({
        model: "gemma",
        max_tokens: 16,
        messages: [{ role: "user", content: "Name a colour." }],
      });
      expect(completion.choices[0]?.message.content).toEqual(expect.any(String));
      expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
      const anthropic = new Anthropic({
        apiKey: "unused",
        baseURL: serve.url,
        maxRetries: 0,
        timeout: 240_000,
      });
      const message = await anthropic.messages.create({
        model: "gemma",
        max_tokens: 16,
        messages: [{ role: "user", content: "Name a fruit." }],
      });
      expect(message.content[0]?.type).toBe("text");
      expect(message.usage.output_tokens).toBeGreaterThan(0);
    } finally {
      await serve.stop();
    }
  }, 300_000);
});
