// Start-up of the CLI as whole processes: `skillgrad --help` and `skillgrad grade … --help`, next to
// bare `node -e 0` on the same machine. Target: ≤ 200 ms each (issue 13). Usage (after a build):
//   node bench/startup.mjs [runs]   → one JSON object on stdout
import { CLI, figures, timeWholeProcesses } from "./lib/whole-process.mjs";

const runs = Number(process.argv[2] ?? 11);
const node = (args) => ({ file: process.execPath, args });
const timings = timeWholeProcesses(
  {
    "node -e 0": node(["-e", "0"]),
    "skillgrad --help": node([CLI, "--help"]),
    "skillgrad grade wtq --help": node([CLI, "grade", "wtq", "--help"]),
    "skillgrad grade spreadsheetbench --help": node([CLI, "grade", "spreadsheetbench", "--help"]),
  },
  runs,
);
console.log(
  JSON.stringify({
    benchmark: "startup",
    runs,
    targetMs: 200,
    commands: Object.fromEntries(Object.entries(timings).map(([name, t]) => [name, figures(t)])),
  }),
);
