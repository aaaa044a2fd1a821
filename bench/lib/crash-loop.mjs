// The crash loop: one optimize run on the sim world (a simulation) killed with SIGKILL at random
// moments, each kill followed by `--resume`, compared with the same run left alone. Used by
// test/crash-loop.test.ts (a few kills in CI) and bench/crash-loop.mjs (ten, for bench/results.json).
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

/** The run every crash loop repeats: the sim world, the sim model with noise and latency, one seed. */
const RUN = [
  "optimize",
  "--bench",
  "sim",
  "--model",
  "sim:noise=0.1,latency=15",
  "--seed",
  "3",
  "--json",
  "--quiet",
];

/** A small seeded generator (mulberry32), so a failing loop can be replayed with its seed. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Starts the CLI; `kill()` SIGKILLs it. */
function start(args) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk) => {
    stderr += chunk;
  });
  const done = new Promise((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { done, kill: () => child.kill("SIGKILL") };
}

function ledger(runDir) {
  const path = join(runDir, "ledger.jsonl");
  if (!existsSync(path)) return [];
  // a line cut off by a kill (never seen so far: a line is one write) would be the last one
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .flatMap((line, index, lines) => {
      try {
        return [JSON.parse(line)];
      } catch (error) {
        if (index === lines.length - 1) return [];
        throw error;
      }
    });
}

const paidCalls = (runDir) => ledger(runDir).filter((entry) => !entry.cacheHit).length;

/** Requests paid for more than once (a failed call tried again later is not a repeat). */
function repeatedRequests(runDir) {
  const seen = new Set();
  let repeated = 0;
  for (const entry of ledger(runDir)) {
    if (entry.cacheHit || entry.error || !entry.request) continue;
    if (seen.has(entry.request)) repeated++;
    seen.add(entry.request);
  }
  return repeated;
}

const side = (summary, wallMs) => ({
  finalHash: summary.final.hash,
  bestHash: summary.best.hash,
  iterations: summary.iterations,
  paidCalls: paidCalls(summary.runDir),
  repeatedRequests: repeatedRequests(summary.runDir),
  wallMs,
});

/**
 * Runs the loop: an uninterrupted run, then the same run killed `kills` times at moments drawn from
 * [5%, 95%] of the uninterrupted run's paid calls, resumed after each kill and finally to the end.
 * Returns both runs' final and best skill hashes and paid calls, and what each kill hit.
 */
export async function crashLoop({ kills, seed = Date.now() % 100000 }) {
  const random = seeded(seed);
  const whole = {
    runsDir: await mkdtemp(join(tmpdir(), "sg-crash-a-")),
    cacheDir: await mkdtemp(join(tmpdir(), "sg-crash-ca-")),
  };
  const wholeStarted = Date.now();
  const first = await start([...RUN, "--runs-dir", whole.runsDir, "--cache-dir", whole.cacheDir]).done;
  const wholeMs = Date.now() - wholeStarted;
  if (first.code !== 0) throw new Error(`the uninterrupted run failed: ${first.stderr}`);
  const reference = JSON.parse(first.stdout);

  const runs = await mkdtemp(join(tmpdir(), "sg-crash-b-"));
  const cache = await mkdtemp(join(tmpdir(), "sg-crash-cb-"));
  const runDir = () => {
    const name = readdirSync(runs).find((n) => n.includes("-optimize-"));
    return name && existsSync(join(runs, name, "config.json")) ? join(runs, name) : undefined;
  };
  const args = () => {
    const dir = runDir();
    return dir
      ? ["optimize", "--resume", dir, "--json", "--quiet"]
      : [...RUN, "--runs-dir", runs, "--cache-dir", cache];
  };
  // Kill moments spread over the run's real progress: the paid calls made so far (a resumed
  // process first replays a cut-off stage from the cache, which pays nothing). Each kill comes at a
  // random count of paid calls in [5%, 95%] of the uninterrupted run's, plus a random 0-100 ms.
  const total = paidCalls(reference.runDir);
  const targets = Array.from({ length: kills }, () => Math.round(total * (0.05 + 0.9 * random()))).sort(
    (a, b) => a - b,
  );
  const killed = [];
  const started = Date.now();
  for (const target of targets) {
    const jitterMs = Math.round(100 * random());
    const child = start(args());
    let ended = false;
    child.done.then(() => {
      ended = true;
    });
    while (!ended) {
      const dir = runDir();
      if (dir && paidCalls(dir) >= target) {
        await new Promise((resolve) => setTimeout(resolve, jitterMs));
        child.kill();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const result = await child.done;
    if (result.signal !== "SIGKILL") {
      if (result.code !== 0) throw new Error(`a resumed run failed (seed ${seed}): ${result.stderr}`);
      killed.push({ atPaidCall: target, hit: "finished before the kill" });
      continue;
    }
    const dir = runDir();
    const state =
      dir && existsSync(join(dir, "state.json"))
        ? JSON.parse(readFileSync(join(dir, "state.json"), "utf8"))
        : undefined;
    killed.push({
      atPaidCall: target,
      hit: state
        ? `iteration ${state.iteration}${state.stage ? ` + ${state.stage.name} of ${state.stage.iteration}` : ""}, ${state.status}`
        : "before the first checkpoint",
    });
  }
  const last = await start(args()).done;
  if (last.code !== 0) throw new Error(`the final resume failed (seed ${seed}): ${last.stderr}`);
  const resumed = JSON.parse(last.stdout);
  const result = {
    seed,
    kills: killed.filter((k) => k.hit !== "finished before the kill").length,
    killedAt: killed,
    uninterrupted: side(reference, wholeMs),
    crashed: side(resumed, Date.now() - started),
  };
  for (const dir of [whole.runsDir, whole.cacheDir, runs, cache])
    await rm(dir, { recursive: true, force: true });
  return result;
}
