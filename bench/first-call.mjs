// Start-up of `eval` and `optimize` as whole processes: the time from starting the process to its
// first model call, against a local OpenAI-compatible server on 127.0.0.1 that records when the first
// request arrives (the process is then stopped). Tasks and skill: the sim world's (examples/).
// Usage (after a build): node bench/first-call.mjs [runs]  → one JSON object on stdout
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLI, median } from "./lib/whole-process.mjs";

const runs = Number(process.argv[2] ?? 7);
const world = fileURLToPath(new URL("../examples/sim-world/", import.meta.url));
let firstRequest;
const server = createServer((req, res) => {
  firstRequest?.(performance.now());
  firstRequest = undefined;
  req.resume();
  res.writeHead(503, { "content-type": "application/json" });
  res.end('{"error":{"message":"bench server: stopping here"}}');
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const model = `openai-compatible:http://127.0.0.1:${server.address().port}/v1#bench`;
const common = ["--skill", join(world, "skills", "csv-analyst"), "--tasks", join(world, "tasks.jsonl")];
const commands = {
  eval: ["eval", ...common, "--model", model, "--no-cache", "--quiet"],
  optimize: ["optimize", ...common, "--model", model, "--no-cache", "--quiet"],
};

async function once(args) {
  const runsDir = mkdtempSync(join(tmpdir(), "skillgrad-bench-first-call-"));
  const started = performance.now();
  const arrived = new Promise((resolve) => {
    firstRequest = resolve;
  });
  const child = spawn(process.execPath, [CLI, ...args, "--runs-dir", runsDir], { stdio: "ignore" });
  const exited = new Promise((resolve) => child.once("exit", () => resolve(undefined)));
  const at = await Promise.race([arrived, exited]);
  child.kill("SIGKILL");
  await exited;
  rmSync(runsDir, { recursive: true, force: true });
  if (at === undefined) throw new Error(`skillgrad ${args[0]} exited before calling the model`);
  return at - started;
}

const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
for (const name of Object.keys(commands)) await once(commands[name]); // warm-up (disk cache)
for (let run = 0; run < runs; run++) {
  for (const name of Object.keys(commands)) times[name].push(await once(commands[name]));
}
server.close();
console.log(
  JSON.stringify({
    benchmark: "first-model-call",
    runs,
    model:
      "openai-compatible on 127.0.0.1 (answers nothing: the first request is timed, then the process is stopped)",
    commands: Object.fromEntries(
      Object.entries(times).map(([name, list]) => [
        `skillgrad ${name}`,
        { medianMs: Math.round(median(list)), runsMs: list.map((ms) => Math.round(ms)) },
      ]),
    ),
  }),
);
