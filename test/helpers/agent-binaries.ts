import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { runCli } from "./cli.js";
import { REPO } from "./paths.js";
import { firstTrajectory, readJsonLines } from "./run-files.js";
import { startServe } from "./serve.js";

/** The sim world the real agent binaries are tested on, and its seed skill. */
export const SIM_WORLD = join(REPO, "examples", "sim-world");
export const SEED = join(SIM_WORLD, "skills", "csv-analyst");

/** A pinned devDependency's binary (the real `claude` or `codex`). */
export const agentBin = (name: string) => join(REPO, "node_modules", ".bin", name);

/**
 * A scratch folder with the sim world's files and, for each count n, a tasks file of its first n
 * tasks (`tasks[i]` has `counts[i]` tasks).
 */
export async function simWorldCopy(prefix: string, counts: number[]) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await cp(join(SIM_WORLD, "files"), join(dir, "files"), { recursive: true });
  const lines = (await readFile(join(SIM_WORLD, "tasks.jsonl"), "utf8")).trim().split("\n");
  const tasks: string[] = [];
  for (const count of counts) {
    const path = join(dir, `tasks${count}.jsonl`);
    await writeFile(path, `${lines.slice(0, count).join("\n")}\n`);
    tasks.push(path);
  }
  return { dir, tasks };
}

/** `skillgrad eval` of the seed skill on `tasks` with `model`, into `runs`; flags follow. */
const seedEval = (tasks: string, model: string, runs: string, ...flags: string[]) => [
  "eval",
  "--skill",
  SEED,
  "--tasks",
  tasks,
  "--model",
  model,
  "--runs-dir",
  runs,
  ...flags,
];

/**
 * `skillgrad eval` of the seed skill on the sim model (a simulation), three tasks at a time, with
 * an external agent or (without `agent`) the built-in one; it must succeed: its JSON summary.
 */
export async function simEval(tasks: string, runs: string, agent?: { executor: string; bin: string }) {
  const external = agent ? ["--executor", agent.executor, "--executor-bin", agent.bin] : [];
  const run = await runCli(seedEval(tasks, "sim", runs, "--concurrency", "3", "--json", ...external), {
    timeoutMs: agent ? 240_000 : 120_000,
  });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

/** An external agent on its own provider's API, as a user points it at `skillgrad serve`. */
export interface AgentOnProvider {
  executor: "claude-code" | "codex";
  bin: string;
  /** Its provider: the model is `<provider>:sim`, the API serve sees is that provider's. */
  provider: "anthropic" | "openai";
}

const PROVIDER_API = {
  anthropic: {
    api: "messages",
    env: (url: string) => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: "local-key-for-serve" }),
  },
  openai: {
    api: "responses",
    env: (url: string) => ({ OPENAI_BASE_URL: `${url}/v1`, OPENAI_API_KEY: "local-key-for-serve" }),
  },
} as const;

/**
 * Evaluates three tasks with the agent calling its own provider directly, the provider's base URL
 * being a separately started `skillgrad serve --model sim`; checks that serve saw the agent's
 * requests, that the ledger holds the agent's own report (one entry per run), and that dollars
 * for a model skillgrad has no price for stay unknown.
 */
export async function checkDirectThroughServe(agent: AgentOnProvider, dir: string, tasks: string) {
  const { api, env } = PROVIDER_API[agent.provider];
  const model = `${agent.provider}:sim`;
  const servedLedger = join(dir, `serve-ledger-${agent.executor}.jsonl`);
  const serve = await startServe([
    "--model",
    "sim",
    "--ledger",
    servedLedger,
    "--cache-dir",
    join(dir, `serve-cache-${agent.executor}`),
  ]);
  try {
    const runs = join(dir, `runs-serve-${agent.executor}`);
    const flags = ["--executor", agent.executor, "--executor-bin", agent.bin, "--json"];
    const run = await runCli(seedEval(tasks, model, runs, ...flags), {
      env: env(serve.url),
      timeoutMs: 120_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ runs: 3, outcomes: { answered: 3 } });
    // serve saw the agent's requests; the ledger holds what the agent reported, one entry per run
    const served = await readJsonLines(servedLedger);
    expect(served.filter((line) => line.api === api && line.status === 200).length).toBeGreaterThanOrEqual(9);
    const ledger = await readJsonLines(join(summary.runDir, "ledger.jsonl"));
    expect(ledger).toHaveLength(3);
    for (const entry of ledger) {
      expect(entry).toMatchObject({ role: "executor", model });
      expect(entry.inputTokens).toBeGreaterThan(0);
    }
    // skillgrad knows no price for "<provider>:sim": the dollars are unknown, not made up
    expect(summary.costUsd).toBeNull();
    expect((await firstTrajectory(summary.runDir)).agent.endpoint).toBe("direct");
  } finally {
    await serve.stop();
  }
}
