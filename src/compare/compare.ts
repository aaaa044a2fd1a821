import pLimit from "p-limit";
import { round4, wilsonInterval } from "../eval/stats.js";
import type { ModelHub } from "../models/index.js";
import { type RunFolder, recordEvent } from "../runs/run-folder.js";
import type { Task } from "../tasks/types.js";
import { appendJsonLine, writeJsonAtomic } from "../util/fs.js";
import { isUnusable, judgePair } from "./judge.js";
import { runKey } from "./sides.js";
import type { CompareSummary, Judgment, Side, SideRun, SideSummary, UnusableJudgment } from "./types.js";

export interface ComparedSide {
  label: string;
  skill: { name: string; hash: string } | null;
  runs: SideRun[];
}

export interface JudgeSidesInput {
  folder: RunFolder;
  hub: ModelHub;
  /** The judge role's model string, for the records. */
  judgeModel: string;
  seed: number;
  concurrency: number;
  tasks: Task[];
  sides: Record<Side, ComparedSide>;
  startedAt?: number;
}

/** Win counts of a set of judgments: ties count half for each side. */
export function tally(judgments: Array<Judgment | UnusableJudgment>) {
  const usable = judgments.filter((j): j is Judgment => !isUnusable(j));
  const count = (winner: Judgment["winner"]) => usable.filter((j) => j.winner === winner).length;
  const winsA = count("a");
  const winsB = count("b");
  const ties = count("tie");
  const judged = usable.length;
  const rate = (wins: number) => round4(judged ? (wins + ties / 2) / judged : 0);
  const interval = (wins: number) => wilsonInterval(wins + ties / 2, judged).map(round4) as [number, number];
  return {
    judged,
    winsA,
    winsB,
    ties,
    unusable: judgments.length - judged,
    winRateA: rate(winsA),
    ci95A: interval(winsA),
    winRateB: rate(winsB),
    ci95B: interval(winsB),
    firstPicked: round4(
      winsA + winsB ? usable.filter((j) => j.verdict === "first").length / (winsA + winsB) : 0,
    ),
  };
}

/**
 * The blind comparison: for every task run both sides have, the judge sees the two outputs in the
 * seeded order and says which is better. Judgments stream to judgments.jsonl; the summary (win rates
 * with 95% intervals, the judge's position bias) goes to summary.json.
 */
export async function judgeSides(
  input: JudgeSidesInput,
): Promise<{ summary: CompareSummary; judgments: Array<Judgment | UnusableJudgment> }> {
  const started = input.startedAt ?? Date.now();
  const { folder, hub, sides } = input;
  const tasksById = new Map(input.tasks.map((task) => [task.id, task]));
  const bRuns = new Map(sides.b.runs.map((run) => [runKey(run.taskId, run.repeat), run]));
  const pairs = sides.a.runs
    .flatMap((a) => {
      const b = bRuns.get(runKey(a.taskId, a.repeat));
      const task = tasksById.get(a.taskId);
      return b && task ? [{ task, runs: { a, b } }] : [];
    })
    .sort((x, y) => x.task.id.localeCompare(y.task.id) || x.runs.a.repeat - y.runs.a.repeat);
  hub.setStage("judge");
  await recordEvent(folder, { type: "judge-start", pairs: pairs.length, seed: input.seed });
  const limit = pLimit(input.concurrency);
  const judgmentsFile = `${folder.dir}/judgments.jsonl`;
  const judgments = await Promise.all(
    pairs.map(({ task, runs }) =>
      limit(async () => {
        const judgment = await judgePair(hub.model("judge"), task, runs, input.seed);
        await appendJsonLine(judgmentsFile, judgment);
        return judgment;
      }),
    ),
  );
  judgments.sort((x, y) => x.taskId.localeCompare(y.taskId) || x.repeat - y.repeat);
  // the whole compare run's spending: both sides' task runs and the judge
  const spent = hub.totals().total;
  const passRate = (runs: SideRun[]) =>
    round4(runs.length ? runs.filter((r) => r.pass).length / runs.length : 0);
  const side = (s: ComparedSide): SideSummary => ({
    label: s.label,
    skill: s.skill,
    passRate: passRate(s.runs),
  });
  const summary: CompareSummary = {
    runId: folder.id,
    runDir: folder.dir,
    seed: input.seed,
    judge: input.judgeModel,
    a: side(sides.a),
    b: side(sides.b),
    pairs: pairs.length,
    ...tally(judgments),
    costUsd: spent.costUsd === null ? null : Math.round(spent.costUsd * 1e6) / 1e6,
    calls: spent.calls,
    cachedCalls: spent.cachedCalls,
    wallMs: Date.now() - started,
  };
  await writeJsonAtomic(folder.summary, summary);
  await recordEvent(folder, { type: "judge-done", winRateB: summary.winRateB });
  return { summary, judgments };
}
