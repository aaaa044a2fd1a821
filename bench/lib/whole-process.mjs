// Times whole processes: each command runs `runs` times, the commands alternating (so a change in the
// machine's load touches all of them alike), after one unmeasured warm-up run each (disk cache).
// medianMs is the wall time (what the targets are about); cpuMedianMs the process's CPU time.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The built CLI, as `skillgrad` runs it. SKILLGRAD_BENCH_CLI=<other checkout>/dist/cli/main.js times
 * another build with the same script (before/after comparisons); bench/run.mjs refuses it, so
 * results.json only ever holds this checkout's figures.
 */
export const CLI =
  process.env.SKILLGRAD_BENCH_CLI ?? fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// GNU time gives each process's CPU time (user + system), which a busy machine inflates far less
// than the wall time; both are recorded.
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const CPU_MARK = "skillgrad-bench-cpu";

function once(command) {
  const [file, args] = TIME
    ? [TIME, ["-f", `${CPU_MARK} %U %S`, command.file, ...command.args]]
    : [command.file, command.args];
  const started = performance.now();
  const result = spawnSync(file, args, {
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, NO_COLOR: "1", ...command.env },
    cwd: command.cwd,
  });
  const ms = performance.now() - started;
  if (result.error) throw result.error;
  let stderr = result.stderr;
  let cpuMs;
  const mark = stderr.lastIndexOf(CPU_MARK);
  if (TIME && mark >= 0) {
    const [user, system] = stderr
      .slice(mark + CPU_MARK.length)
      .trim()
      .split(/\s+/)
      .map(Number);
    cpuMs = (user + system) * 1000;
    stderr = stderr.slice(0, mark);
  }
  if (result.status !== (command.expectStatus ?? 0)) {
    throw new Error(
      `${command.file} ${command.args.join(" ")} exited ${result.status}: ${stderr.slice(0, 500)}`,
    );
  }
  return { ms, cpuMs, stdout: result.stdout, stderr };
}

/**
 * commands: { name: { file, args, env?, cwd?, expectStatus? } }. Returns, per name, the median and
 * every run in ms, and the output of the last run (for checking what the command printed).
 */
export function timeWholeProcesses(commands, runs = 9) {
  const names = Object.keys(commands);
  const times = Object.fromEntries(names.map((name) => [name, []]));
  const cpu = Object.fromEntries(names.map((name) => [name, []]));
  const last = {};
  for (const name of names) last[name] = once(commands[name]);
  for (let run = 0; run < runs; run++) {
    for (const name of run % 2 === 0 ? names : [...names].reverse()) {
      const result = once(commands[name]);
      times[name].push(result.ms);
      if (result.cpuMs !== undefined) cpu[name].push(result.cpuMs);
      last[name] = result;
    }
  }
  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        medianMs: Math.round(median(times[name])),
        runsMs: times[name].map((ms) => Math.round(ms)),
        ...(cpu[name].length > 0 ? { cpuMedianMs: Math.round(median(cpu[name])) } : {}),
        stdout: last[name].stdout,
        stderr: last[name].stderr,
      },
    ]),
  );
}

/** Drops the captured output from a timing record, for results.json. */
export function figures({ stdout, stderr, ...rest }) {
  return rest;
}
