import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** The records of a JSON Lines file a run wrote (results.jsonl, ledger.jsonl, a serve ledger). */
export async function readJsonLines(path: string) {
  return (await readFile(path, "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

/** A file the agent left in each kept workspace of a run (--keep-workspaces), "" where it wrote none. */
export async function fromEachWorkspace(runDir: string, file: string): Promise<string[]> {
  const workspaces = join(runDir, "workspaces");
  return Promise.all(
    (await readdir(workspaces)).map((ws) => readFile(join(workspaces, ws, file), "utf8").catch(() => "")),
  );
}

/** The first trajectory of a run, as it is stored. */
export async function firstTrajectory(runDir: string) {
  const [first] = await readTrajectories(join(runDir, "trajectories"));
  return first;
}

/** Every trajectory in a run's (or an iteration's) trajectories folder, parsed. */
export async function readTrajectories(folder: string) {
  const files = (await readdir(folder)).sort();
  return Promise.all(files.map(async (file) => JSON.parse(await readFile(join(folder, file), "utf8"))));
}

/** The one run folder in a runs folder (its hidden entries, such as the response cache, aside). */
export async function onlyRun(runsDir: string): Promise<string> {
  const runs = (await readdir(runsDir)).filter((name) => !name.startsWith("."));
  if (runs.length !== 1)
    throw new Error(`expected one run in ${runsDir}, found ${runs.length}: ${runs.join(", ")}`);
  return join(runsDir, runs[0] as string);
}

/** What each rollout of a run got (results.jsonl), by task and repeat: to compare two runs' grades. */
export async function gradesByRollout(runDir: string) {
  const lines = (await readJsonLines(join(runDir, "results.jsonl"))) as Array<{
    taskId: string;
    repeat: number;
    pass: boolean;
    score: number;
    answer: string;
    outcome: string;
    feedback: string;
  }>;
  return Object.fromEntries(
    lines.map((r) => [
      `${r.taskId}/r${r.repeat}`,
      { pass: r.pass, score: r.score, answer: r.answer, outcome: r.outcome, feedback: r.feedback },
    ]),
  );
}
