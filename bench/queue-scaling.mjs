// Rollout throughput of `eval --queue` with 1, 2 and 4 worker processes on this machine, through a
// private redis-server, with the sim model (a simulation) answering each call after a fixed latency.
// Usage (after a build): node bench/queue-scaling.mjs [latencyMs] [repeat] [slotsPerWorker] [workerCounts]
//   e.g. node bench/queue-scaling.mjs 200 3 4 1,2,4
// Prints one JSON object: per worker count, the evaluation's wall time (from its summary: enqueueing,
// the workers' runs and gathering, not process start-up) and rollouts per second, and the speed-up
// over one worker. Each count gets a short warm-up evaluation first (workers load their modules and
// fetch the skill and task files by hash), then the measured one. The response cache is off.
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const [latencyMs = 200, repeat = 3, slots = 4] = process.argv.slice(2, 5).map(Number);
const counts = (process.argv[5] ?? "1,2,4").split(",").map(Number);
const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const world = fileURLToPath(new URL("../examples/sim-world/", import.meta.url));
const tmp = await mkdtemp(join(tmpdir(), "sg-bench-queue-"));

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function waitFor(check, what) {
  for (let i = 0; i < 300; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const port = await freePort();
const redis = spawn(
  "redis-server",
  ["--bind", "127.0.0.1", "--port", String(port), "--dir", tmp, "--save", "", "--appendonly", "no"],
  { stdio: ["ignore", "pipe", "inherit"] },
);
let redisLog = "";
redis.stdout.on("data", (chunk) => {
  redisLog += chunk;
});
await waitFor(() => /Ready to accept connections/.test(redisLog), "redis-server");
const url = `redis://127.0.0.1:${port}`;

function startWorker(name) {
  const child = spawn(
    process.execPath,
    [
      cli,
      "worker",
      "--queue",
      url,
      "--name",
      name,
      "--concurrency",
      String(slots),
      "--cache-dir",
      join(tmp, name),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let out = "";
  child.stderr.on("data", (chunk) => {
    out += chunk;
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return { child, exited, ready: () => /taking rollouts/.test(out) };
}

function evalOnQueue(runsDir, repeats, extra = []) {
  const out = execFileSync(
    process.execPath,
    [
      cli,
      "eval",
      "--skill",
      join(world, "skills", "csv-analyst"),
      "--tasks",
      join(world, "tasks.jsonl"),
      "--model",
      `sim:latency=${latencyMs}`,
      "--no-cache",
      "--repeat",
      String(repeats),
      "--runs-dir",
      runsDir,
      "--queue",
      url,
      "--json",
      ...extra,
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return JSON.parse(out);
}

const rows = [];
try {
  for (const count of counts) {
    const workers = Array.from({ length: count }, (_, i) => startWorker(`bench-${count}-${i}`));
    await waitFor(() => workers.every((worker) => worker.ready()), "the workers");
    evalOnQueue(join(tmp, `warm-${count}`), 1);
    const load = loadavg()[0];
    const summary = evalOnQueue(join(tmp, `runs-${count}`), repeat);
    rows.push({
      workers: count,
      slots: count * slots,
      rollouts: summary.runs,
      calls: summary.calls,
      wallMs: summary.wallMs,
      rolloutsPerSec: Math.round((summary.runs / summary.wallMs) * 100000) / 100,
      loadAverage1mBefore: Number(load.toFixed(2)),
    });
    for (const worker of workers) worker.child.kill("SIGTERM");
    await Promise.all(workers.map((worker) => worker.exited));
  }
} finally {
  redis.kill("SIGTERM");
  await new Promise((resolve) => redis.once("exit", resolve));
  await rm(tmp, { recursive: true, force: true });
}
const one = rows.find((row) => row.workers === 1);
for (const row of rows)
  row.speedup = one ? Math.round((row.rolloutsPerSec / one.rolloutsPerSec) * 100) / 100 : null;
// Each rollout's calls are sequential: with ideal scaling, rollouts/s = slots / (calls per rollout × latency)
const callsPerRollout = rows[0] ? rows[0].calls / rows[0].rollouts : 0;
for (const row of rows)
  row.idealRolloutsPerSec = Math.round((row.slots / (callsPerRollout * (latencyMs / 1000))) * 100) / 100;
const redisVersion = execFileSync("redis-server", ["--version"], { encoding: "utf8" }).trim().split(" ")[2];
console.log(
  JSON.stringify({
    latencyMs,
    tasks: 60,
    repeat,
    slotsPerWorker: slots,
    cpus: cpus().length,
    redis: redisVersion,
    rows,
    speedup4vs1: rows.find((row) => row.workers === 4)?.speedup ?? null,
  }),
);
