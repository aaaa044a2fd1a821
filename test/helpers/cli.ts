import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EXAMPLE_WORLD, SEED_SKILL } from "./paths.js";

/** Path of the built CLI; `npm test` builds it first. */
export const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `skillgrad` CLI as a user would, with no terminal on stdin. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** `skillgrad eval` of a tasks file with no skill (the baseline) on `model`; flags follow. */
export function evalNoSkill(tasks: string, model: string, ...flags: string[]): string[] {
  return ["eval", "--no-skill", "--tasks", tasks, "--model", model, ...flags];
}

/** The sim world's 60 tasks (a simulation). */
export const SIM_WORLD_TASKS = join(EXAMPLE_WORLD, "tasks.jsonl");

/** `skillgrad eval` of the seed skill on the sim world's 60 tasks with `model`, into `runsDir`; flags follow. */
export function simWorldEval(model: string, runsDir: string, ...flags: string[]): string[] {
  return [
    "eval",
    "--skill",
    SEED_SKILL,
    "--tasks",
    SIM_WORLD_TASKS,
    "--model",
    model,
    "--runs-dir",
    runsDir,
    ...flags,
  ];
}

/** A config file in `dir` that prices `model` (dollars per million tokens), so that every call has a cost. */
export async function pricedConfig(dir: string, model: string): Promise<string> {
  const file = join(dir, "config.json");
  await writeFile(file, JSON.stringify({ prices: { [model]: { input: 3, cachedInput: 0.3, output: 15 } } }));
  return file;
}

/** The error lines a run printed (each starts with "skillgrad:"). */
export const errorLines = (stderr: string) =>
  stderr.split("\n").filter((line) => line.startsWith("skillgrad:"));

/** Whether output holds a stack trace (printed only with --debug). */
export const hasStack = (text: string) => /\n\s+at /.test(text);

/** `skillgrad triggers eval|optimize` of `skill` on a query file with `model`, into `runsDir`; flags follow. */
export function triggersArgs(
  command: "eval" | "optimize",
  skill: string,
  queries: string,
  model: string,
  runsDir: string,
  ...flags: string[]
): string[] {
  return [
    "triggers",
    command,
    "--skill",
    skill,
    "--queries",
    queries,
    "--model",
    model,
    "--runs-dir",
    runsDir,
    ...flags,
  ];
}

/** `skillgrad optimize` on the sim benchmark (a simulation) with `model`; flags follow. */
export function simOptimize(model: string, ...flags: string[]): string[] {
  return ["optimize", "--bench", "sim", "--model", model, ...flags];
}
