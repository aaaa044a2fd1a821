// Grading as whole processes, on the golden data in ../shared (issue 13):
//   wtq               `skillgrad grade wtq` on 2,084 predictions for unseen-table questions: the first
//                     golden case of each question in ../shared/data/wtq/golden/verdicts.jsonl (the
//                     official evaluator grades each id once per run, so one case per question)
//   spreadsheetbench  `skillgrad grade spreadsheetbench --no-recalc` on 50 outputs, one per task (test
//                     case 1): the golden candidate number (task index mod 5) of each task, so the 50
//                     mix passing and failing kinds; next to bench/reference/ssb_openpyxl.py, an
//                     openpyxl script written for this bench that does the official script's work
// Each run's verdicts are checked case for case against the official ones.
// Usage (after a build): node bench/grade-cli.mjs wtq|spreadsheetbench [runs] → one JSON object on stdout
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spreadsheetbenchOutputs, wtqPredictions } from "./lib/golden-inputs.mjs";
import { CLI, figures, timeWholeProcesses } from "./lib/whole-process.mjs";

const REFERENCE = fileURLToPath(new URL("./reference/ssb_openpyxl.py", import.meta.url));
const PYTHON = "/usr/bin/python3";
const [which = "wtq", runsText = "11"] = process.argv.slice(2);
const runs = Number(runsText);
const work = mkdtempSync(join(tmpdir(), "skillgrad-bench-grade-"));

function wtq() {
  const { data, path: predictions, expected } = wtqPredictions(work);
  const args = ["grade", "wtq", "--data", data, "--predictions", predictions];
  const timings = timeWholeProcesses(
    {
      "skillgrad grade wtq": { file: process.execPath, args: [CLI, ...args] },
      "skillgrad grade wtq --json": { file: process.execPath, args: [CLI, ...args, "--json"] },
    },
    runs,
  );
  const verdicts = timings["skillgrad grade wtq --json"].stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  const disagreements = verdicts.filter((v) => v.reason !== undefined || expected.get(v.id) !== v.correct);
  return {
    benchmark: "grade-wtq-cli",
    predictions: expected.size,
    runs,
    targetMs: 190,
    summary: timings["skillgrad grade wtq"].stdout.trim(),
    officialVerdictsAgree: `${verdicts.length - disagreements.length}/${expected.size}`,
    commands: Object.fromEntries(Object.entries(timings).map(([name, t]) => [name, figures(t)])),
    reference: {
      note: "the issue's figure for the official evaluator (Python 2.7) on the same 2,084 predictions on this machine; the evaluator's code is not in the repository or ../shared, so it is not run here",
      medianMs: 380,
    },
  };
}

function spreadsheetbench() {
  const { data, outputs, expected, kinds } = spreadsheetbenchOutputs(work);
  const args = ["grade", "spreadsheetbench", "--data", data, "--outputs", outputs, "--no-recalc"];
  const commands = {
    "skillgrad grade spreadsheetbench --no-recalc": { file: process.execPath, args: [CLI, ...args] },
    "skillgrad grade spreadsheetbench --no-recalc --json": {
      file: process.execPath,
      args: [CLI, ...args, "--json"],
    },
  };
  const python = spawnSync(PYTHON, ["-c", "import openpyxl; print(openpyxl.__version__)"], {
    encoding: "utf8",
  });
  const openpyxl = python.status === 0 ? python.stdout.trim() : undefined;
  if (openpyxl) {
    commands["reference: bench/reference/ssb_openpyxl.py"] = {
      file: PYTHON,
      args: [REFERENCE, join(data, "dataset.json"), data, outputs],
    };
  }
  const timings = timeWholeProcesses(commands, runs);
  const ours = timings["skillgrad grade spreadsheetbench --no-recalc --json"].stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  const agree = ours.filter((grade) => grade.testCases[0] === expected.get(grade.id)).length;
  const result = {
    benchmark: "grade-spreadsheetbench-cli",
    outputs: expected.size,
    kinds,
    runs,
    targetMs: 400,
    summary: timings["skillgrad grade spreadsheetbench --no-recalc"].stdout.trim().split("\n").at(-1),
    officialVerdictsAgree: `${agree}/${expected.size}`,
    commands: Object.fromEntries(Object.entries(timings).map(([name, t]) => [name, figures(t)])),
  };
  if (openpyxl) {
    const reference = timings["reference: bench/reference/ssb_openpyxl.py"].stdout.trim().split("\n");
    const referenceAgree = reference.filter((line) => {
      const [id, verdict] = line.split("\t");
      return (verdict === "True") === expected.get(id);
    }).length;
    result.reference = {
      note: `openpyxl ${openpyxl} under ${PYTHON}: the official script's work (two full load_workbook(data_only=True) per output, then the answer cells), written for this bench; the issue measured the official script at 1.25 s on this machine`,
      officialVerdictsAgree: `${referenceAgree}/${reference.length}`,
    };
  } else {
    result.reference = { note: `${PYTHON} with openpyxl is not installed: reference not run` };
  }
  return result;
}

try {
  const result = which === "wtq" ? wtq() : spreadsheetbench();
  console.log(JSON.stringify(result));
} finally {
  rmSync(work, { recursive: true, force: true });
}
