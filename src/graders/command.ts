import { spawn } from "node:child_process";
import { z } from "zod";
import { SkillgradError } from "../errors.js";
import { runSandboxed } from "../sandbox/run.js";
import { parseReply } from "../util/json-reply.js";
import { preview } from "./text.js";
import type { Grade, GradeInput } from "./types.js";

export interface CommandGraderOptions {
  command: string;
  timeoutSec?: number;
}

const scriptVerdict = z.object({
  pass: z.boolean(),
  score: z.number().min(0).max(1).optional(),
  feedback: z.string().optional(),
});

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a task's grading script with the workspace, the answer and the expected value. It gets them
 * as JSON on stdin and as environment variables; exit 0 means pass, or it prints
 * `{"pass", "score"?, "feedback"?}` as its last stdout line. Its folder is the task file's folder.
 *
 * A task file can come from anyone, so by default the script runs in the same sandbox as the
 * agent's commands (the workspace writable, the task file's folder read-only, no network, no keys).
 * With `trustGraders` it runs on the host, with the environment cleared to PATH/HOME/LANG.
 */
export async function gradeWithCommand(input: GradeInput, options: CommandGraderOptions): Promise<Grade> {
  const timeoutMs = (options.timeoutSec ?? 60) * 1000;
  const vars = {
    SKILLGRAD_WORKSPACE: input.workspace,
    SKILLGRAD_ANSWER: input.answer,
    SKILLGRAD_EXPECTED: JSON.stringify(input.task.expected ?? null),
    SKILLGRAD_TASK_ID: input.task.id,
  };
  const stdin = JSON.stringify({
    id: input.task.id,
    answer: input.answer,
    expected: input.task.expected ?? null,
    workspace: input.workspace,
  });
  const result = input.trustGraders
    ? await runOnHost(input, options.command, vars, stdin, timeoutMs)
    : await runInSandbox(input, options.command, vars, stdin, timeoutMs);
  if (result.timedOut)
    return { pass: false, score: 0, feedback: `grading script timed out after ${timeoutMs / 1000} s` };
  const lastLine = result.stdout.trim().split("\n").at(-1) ?? "";
  if (lastLine.startsWith("{")) {
    const parsed = parseReply(lastLine, scriptVerdict);
    if (parsed.ok) {
      const { pass, score, feedback } = parsed.value;
      return {
        pass,
        score: score ?? (pass ? 1 : 0),
        feedback: feedback ?? (pass ? "script passed" : "script failed"),
      };
    }
  }
  const pass = result.code === 0;
  const said = (result.stdout.trim() || result.stderr.trim()).slice(-500);
  return {
    pass,
    score: pass ? 1 : 0,
    feedback: `grading script exited ${result.code}${said ? `: ${preview(said, 500)}` : ""}`,
  };
}

async function runInSandbox(
  input: GradeInput,
  command: string,
  vars: Record<string, string>,
  stdin: string,
  timeoutMs: number,
): Promise<ScriptRun> {
  const baseDir = input.task.baseDir;
  const result = await runSandboxed(["/bin/sh", "-c", command], {
    workspace: input.workspace,
    mode: input.sandbox ?? "auto",
    env: vars,
    stdin,
    limits: { timeoutMs, maxOutputChars: 100_000 },
    ...(baseDir ? { readOnlyDirs: [baseDir], cwd: baseDir } : {}),
  });
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr, timedOut: result.timedOut };
}

function runOnHost(
  input: GradeInput,
  command: string,
  vars: Record<string, string>,
  stdin: string,
  timeoutMs: number,
): Promise<ScriptRun> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    LANG: process.env.LANG ?? "C.UTF-8",
    ...vars,
  };
  return new Promise<ScriptRun>((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", command], {
      cwd: input.task.baseDir ?? input.workspace,
      env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < 100_000) stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < 100_000) stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    }, timeoutMs);
    child.on("error", (error) =>
      reject(new SkillgradError(`command grader could not start "${command}": ${error.message}`)),
    );
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    child.stdin.on("error", () => {}); // the script may exit without reading stdin
    child.stdin.end(stdin);
  });
}
