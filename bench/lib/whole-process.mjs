// Times whole processes: each command runs `runs` times, the commands alternating (so a change in the
// machine's load touches all of them alike), after one unmeasured warm-up run each (disk cache).
import { spawnSync } from "node:child_process";
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

function once(command) {
  const started = performance.now();
  const result = spawnSync(command.file, command.args, {
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, NO_COLOR: "1", ...command.env },
    cwd: command.cwd,
  });
  const ms = performance.now() - started;
  if (result.error) throw result.error;
  if (result.status !== (command.expectStatus ?? 0)) {
    throw new Error(
      `${command.file} ${command.args.join(" ")} exited ${result.status}: ${result.stderr.slice(0, 500)}`,
    );
  }
  return { ms, stdout: result.stdout, stderr: result.stderr };
}

/**
 * commands: { name: { file, args, env?, cwd?, expectStatus? } }. Returns, per name, the median and
 * every run in ms, and the output of the last run (for checking what the command printed).
 */
export function timeWholeProcesses(commands, runs = 9) {
  const names = Object.keys(commands);
  const times = Object.fromEntries(names.map((name) => [name, []]));
  const last = {};
  for (const name of names) last[name] = once(commands[name]);
  for (let run = 0; run < runs; run++) {
    for (const name of run % 2 === 0 ? names : [...names].reverse()) {
      const result = once(commands[name]);
      times[name].push(result.ms);
      last[name] = result;
    }
  }
  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        medianMs: Math.round(median(times[name])),
        runsMs: times[name].map((ms) => Math.round(ms)),
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
