// Eval throughput and memory with the sim model (a simulation) given an artificial latency per call.
// Usage (after a build): node bench/eval-throughput.mjs [tasks] [concurrency] [latencyMs]
// Prints one JSON object: wall time against the ideal bound (sum of call latencies / concurrency)
// and the peak resident memory of this process.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { evaluate } from "../dist/eval/evaluate.js";
import { ModelHub } from "../dist/models/index.js";
import "../dist/sim/index.js"; // registers the `sim` provider
import { createRunFolder } from "../dist/runs/run-folder.js";
import { loadSkill } from "../dist/skill/index.js";
import { loadTasks } from "../dist/tasks/load.js";

const [taskCount = 200, concurrency = 16, latencyMs = 50] = process.argv.slice(2).map(Number);
const world = fileURLToPath(new URL("../examples/sim-world/", import.meta.url));
const base = await loadTasks(join(world, "tasks.jsonl"));
// Unique ids; the same prompts repeat, so the response cache is off to keep every call real.
const tasks = Array.from({ length: taskCount }, (_, i) => ({ ...base[i % base.length], id: `t${i}` }));
const runs = await mkdtemp(join(tmpdir(), "sg-bench-"));
const folder = await createRunFolder(runs, "eval", { bench: true });
const model = `sim:latency=${latencyMs}`;
const hub = new ModelHub({
  roles: { executor: model, diagnoser: model, momentum: model, patcher: model, judge: model },
  cache: false,
  ledgerPath: folder.ledger,
});
const summary = await evaluate({
  tasks,
  skill: await loadSkill(join(world, "skills", "csv-analyst")),
  hub,
  executorModel: model,
  folder,
  concurrency,
  repeat: 1,
  sandbox: "none",
  maxTurns: 30,
  commandTimeoutSec: 60,
  taskTimeoutSec: 600,
});
// Each task's calls are sequential, so a task cannot finish faster than its own calls' latency;
// the ideal is the larger of (all latency / concurrency) and the slowest single task.
const callsPerTask = summary.calls / taskCount;
const ideal = Math.max((summary.calls * latencyMs) / concurrency, callsPerTask * latencyMs);
function heapAfterGc() {
  if (!globalThis.gc) return null;
  globalThis.gc();
  return Math.round(process.memoryUsage().heapUsed / 1048576);
}
const result = {
  tasks: taskCount,
  concurrency,
  latencyMs,
  calls: summary.calls,
  wallMs: summary.wallMs,
  idealMs: Math.round(ideal),
  overheadPct: Math.round(((summary.wallMs - ideal) / ideal) * 1000) / 10,
  maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  // live heap after a full collection (run with --expose-gc): what the evaluation keeps, not garbage
  heapAfterGcMb: heapAfterGc(),
};
await rm(runs, { recursive: true, force: true });
console.log(JSON.stringify(result));
