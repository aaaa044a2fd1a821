import type { RunOutcome } from "../executor/trajectory.js";

/** The two things compared: A and B. Only skillgrad knows which is which; the judge never does. */
export type Side = "a" | "b";

/** What one agent produced on one task run, as the judge may see it. */
export interface ComparedOutput {
  answer: string;
  outcome: RunOutcome;
  /** Files the agent wrote, relative to its workspace; `text` for small text files when they were kept. */
  files: Array<{ path: string; size?: number; text?: string }>;
}

/** One side's run of one task: the output, and the grader's verdict (kept for the record, not shown). */
export interface SideRun {
  taskId: string;
  repeat: number;
  output: ComparedOutput;
  pass: boolean;
}

/** The judge's verdict on one task run: which output was shown first, what it said, who won. */
export interface Judgment {
  taskId: string;
  repeat: number;
  /** The side shown as "Output 1" (drawn per task from the recorded seed). */
  first: Side;
  verdict: "first" | "second" | "tie";
  winner: Side | "tie";
  reason: string;
  /** The graders' verdicts, for the record (the judge does not see them). */
  pass: Record<Side, boolean>;
}

/** A judge reply that could not be read after a retry: that pair counts for neither side. */
export interface UnusableJudgment {
  taskId: string;
  repeat: number;
  first: Side;
  unusable: string;
}

export interface SideSummary {
  /** How the user named it: a skill folder, or a version of a run. */
  label: string;
  skill: { name: string; hash: string } | null;
  /** The graders' pass rate on the compared runs. */
  passRate: number;
}

export interface CompareSummary {
  runId: string;
  runDir: string;
  /** The seed that drew every task's order. */
  seed: number;
  judge: string;
  a: SideSummary;
  b: SideSummary;
  /** Task runs both sides have. */
  pairs: number;
  /** Pairs with a usable verdict. */
  judged: number;
  winsA: number;
  winsB: number;
  ties: number;
  unusable: number;
  /** (wins + ties / 2) / judged, with a 95% Wilson interval. */
  winRateA: number;
  ci95A: [number, number];
  winRateB: number;
  ci95B: [number, number];
  /** Of the pairs it decided (no tie), how often the judge picked "Output 1": far from 50% hints at a position bias. */
  firstPicked: number;
  costUsd: number | null;
  calls: number;
  cachedCalls: number;
  wallMs: number;
}
