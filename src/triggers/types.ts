import type { Skill } from "../skill/index.js";
import type { TriggerSplit } from "./split.js";

/** One query of a trigger set: a request, and whether the skill should be activated for it. */
export interface TriggerQuery {
  id: string;
  query: string;
  shouldTrigger: boolean;
  note?: string;
}

/** How one probe (one query, one rollout) was decided. */
export type Decision =
  /** the agent activated an installed skill (the target or a competitor) */
  | "activation"
  /** it made `patience` tool calls without activating any skill */
  | "other-tools"
  /** it ended (an answer, an error, the turn limit) before either */
  | "end";

/** One probe's record (probes.jsonl): the query, the rollout, which skill the agent activated, if any. */
export interface ProbeRecord {
  queryId: string;
  repeat: number;
  shouldTrigger: boolean;
  /** The installed skill the agent activated first; null when it activated none. */
  activated: string | null;
  /** It activated the skill under evaluation. */
  triggered: boolean;
  decidedBy: Decision;
  /** Tool calls the agent made up to the decision. */
  calls: number;
  /** The run's outcome as the executor reported it ("gave-up" when stopped at the decision). */
  outcome: string;
  error?: string;
  /** Trajectory file, relative to the run folder. */
  trajectory: string;
  ms: number;
}

/** Counts and rates of a set of probes, each probe one classification. */
export interface TriggerMetrics {
  probes: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** 95% Wilson intervals for precision and recall; a seeded bootstrap over queries for F1. */
  ci95: { precision: [number, number] | null; recall: [number, number] | null; f1: [number, number] | null };
  /** (TPR + TNR) / 2: 0.5 is chance. */
  balancedAccuracy: number | null;
}

/** One query's outcome over its rollouts. */
export interface QueryOutcome {
  id: string;
  query: string;
  shouldTrigger: boolean;
  note?: string;
  runs: number;
  triggers: number;
  rate: number;
  /** Skills activated instead of the target, with counts. */
  others: Record<string, number>;
  /** The majority of its runs went the wrong way (a trigger rate of exactly 0.5 counts as wrong). */
  wrong: boolean;
}

export interface TriggerEvalSummary {
  skill: { name: string; hash: string; description: string };
  /** The competing skills installed beside it. */
  library: string[];
  executor: string;
  model: string;
  repeat: number;
  patience: number;
  queries: QueryOutcome[];
  metrics: TriggerMetrics;
  /** The queries that went the wrong way: should-trigger ones missed, should-not ones triggered. */
  missed: string[];
  falseTriggers: string[];
  tokens: { input: number; cachedInput: number; output: number };
  costUsd: number | null;
  calls: number;
  cachedCalls: number;
  wallMs: number;
}

/** What a joint optimize run (--trigger-queries) measures triggering with. */
export interface JointTriggers {
  queries: TriggerQuery[];
  /** The competing skills installed beside the skill. */
  library: Skill[];
  split: TriggerSplit;
  repeat: number;
}
