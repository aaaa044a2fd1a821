import { round4, wilsonInterval } from "../eval/stats.js";
import { seededRandom } from "../util/random.js";
import type { ProbeRecord, QueryOutcome, TriggerMetrics, TriggerQuery } from "./types.js";

interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

function countsOf(probes: Array<Pick<ProbeRecord, "shouldTrigger" | "triggered">>): Counts {
  const counts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const probe of probes) {
    if (probe.shouldTrigger) probe.triggered ? counts.tp++ : counts.fn++;
    else probe.triggered ? counts.fp++ : counts.tn++;
  }
  return counts;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

function f1Of(c: Counts): number | null {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  if (recall === null) return null;
  // nothing triggered: precision is undefined, but F1 is 0 (no should-trigger query was caught)
  if (precision === null || precision + recall === 0) return 0;
  return (2 * precision * recall) / (precision + recall);
}

const BOOTSTRAP_SAMPLES = 1000;

/**
 * Precision, recall and F1 over probes (each rollout one classification), with 95% intervals:
 * Wilson for precision and recall; for F1 a percentile bootstrap that resamples whole queries
 * (a query's rollouts stay together), seeded so the same probes give the same interval.
 */
export function triggerMetrics(probes: ProbeRecord[]): TriggerMetrics {
  const c = countsOf(probes);
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  const specificity = ratio(c.tn, c.tn + c.fp);
  const byQuery = new Map<string, ProbeRecord[]>();
  for (const probe of probes) byQuery.set(probe.queryId, [...(byQuery.get(probe.queryId) ?? []), probe]);
  const groups = [...byQuery.keys()].sort().map((id) => byQuery.get(id) as ProbeRecord[]);
  let f1Interval: [number, number] | null = null;
  if (groups.length > 1 && f1Of(c) !== null) {
    const random = seededRandom(groups.length * 7919 + probes.length);
    const samples: number[] = [];
    for (let i = 0; i < BOOTSTRAP_SAMPLES; i++) {
      const total = { tp: 0, fp: 0, fn: 0, tn: 0 };
      for (let j = 0; j < groups.length; j++) {
        const group = groups[Math.floor(random() * groups.length)] as ProbeRecord[];
        const g = countsOf(group);
        total.tp += g.tp;
        total.fp += g.fp;
        total.fn += g.fn;
        total.tn += g.tn;
      }
      const f1 = f1Of(total);
      if (f1 !== null) samples.push(f1);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? 0;
    if (samples.length > 0) f1Interval = [round4(at(0.025)), round4(at(0.975))];
  }
  const interval = (k: number, n: number) =>
    n > 0 ? (wilsonInterval(k, n).map(round4) as [number, number]) : null;
  const f1 = f1Of(c);
  return {
    probes: probes.length,
    ...c,
    precision: precision === null ? null : round4(precision),
    recall: recall === null ? null : round4(recall),
    f1: f1 === null ? null : round4(f1),
    ci95: { precision: interval(c.tp, c.tp + c.fp), recall: interval(c.tp, c.tp + c.fn), f1: f1Interval },
    balancedAccuracy: recall === null || specificity === null ? null : round4((recall + specificity) / 2),
  };
}

/** Each query's trigger rate over its rollouts, and whether the majority went the wrong way. */
export function queryOutcomes(queries: TriggerQuery[], probes: ProbeRecord[]): QueryOutcome[] {
  return queries.map((query) => {
    const mine = probes.filter((probe) => probe.queryId === query.id);
    const triggers = mine.filter((probe) => probe.triggered).length;
    const rate = mine.length ? triggers / mine.length : 0;
    const others: Record<string, number> = {};
    for (const probe of mine)
      if (probe.activated && !probe.triggered) others[probe.activated] = (others[probe.activated] ?? 0) + 1;
    return {
      id: query.id,
      query: query.query,
      shouldTrigger: query.shouldTrigger,
      ...(query.note ? { note: query.note } : {}),
      runs: mine.length,
      triggers,
      rate: round4(rate),
      others,
      wrong: mine.length > 0 && (query.shouldTrigger ? rate <= 0.5 : rate >= 0.5),
    };
  });
}
