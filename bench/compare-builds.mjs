// Before/after: this checkout's CLI against another build of skillgrad, in one run, the commands
// alternating so both see the same machine load. Not part of `npm run bench` (it needs the other build).
// Usage (after a build here):
//   git worktree add /tmp/skillgrad-before <commit> && cd /tmp/skillgrad-before &&
//     ln -s <this checkout>/node_modules node_modules && npx tsc -p tsconfig.build.json && cd -
//   node bench/compare-builds.mjs /tmp/skillgrad-before/dist/cli/main.js [runs]
// Prints one JSON object: per command, the median wall and CPU time of each build.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spreadsheetbenchOutputs, wtqPredictions } from "./lib/golden-inputs.mjs";
import { figures, timeWholeProcesses } from "./lib/whole-process.mjs";

const [before, runsText = "9"] = process.argv.slice(2);
if (!before) {
  process.stderr.write("usage: node bench/compare-builds.mjs <other build>/dist/cli/main.js [runs]\n");
  process.exit(2);
}
const after = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "skillgrad-bench-builds-"));
try {
  const wtq = wtqPredictions(work);
  const ssb = spreadsheetbenchOutputs(work);
  const cases = {
    "skillgrad --help": ["--help"],
    "skillgrad grade wtq --help": ["grade", "wtq", "--help"],
    "skillgrad grade wtq (2,084 predictions)": [
      "grade",
      "wtq",
      "--data",
      wtq.data,
      "--predictions",
      wtq.path,
    ],
    "skillgrad grade spreadsheetbench --no-recalc (50 outputs)": [
      "grade",
      "spreadsheetbench",
      "--data",
      ssb.data,
      "--outputs",
      ssb.outputs,
      "--no-recalc",
    ],
  };
  const commands = { "node -e 0": { file: process.execPath, args: ["-e", "0"] } };
  for (const [name, args] of Object.entries(cases)) {
    commands[`before: ${name}`] = { file: process.execPath, args: [before, ...args] };
    commands[`after: ${name}`] = { file: process.execPath, args: [after, ...args] };
  }
  const timings = timeWholeProcesses(commands, Number(runsText));
  console.log(
    JSON.stringify({
      benchmark: "compare-builds",
      before,
      runs: Number(runsText),
      commands: Object.fromEntries(Object.entries(timings).map(([name, t]) => [name, figures(t)])),
    }),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
