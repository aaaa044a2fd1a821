import { describe, expect, it } from "vitest";
import { queryOutcomes, triggerMetrics } from "./metrics.js";
import type { ProbeRecord } from "./types.js";

function probe(queryId: string, shouldTrigger: boolean, triggered: boolean, repeat = 0): ProbeRecord {
  return {
    queryId,
    repeat,
    shouldTrigger,
    activated: triggered ? "target" : null,
    triggered,
    decidedBy: triggered ? "activation" : "other-tools",
    calls: 1,
    outcome: "gave-up",
    trajectory: "",
    ms: 0,
  };
}

describe("trigger metrics", () => {
  it("counts each rollout as one classification: precision, recall, F1 and balanced accuracy", () => {
    const probes = [
      probe("a", true, true),
      probe("a", true, true, 1),
      probe("b", true, false),
      probe("c", false, true),
      probe("d", false, false),
      probe("e", false, false),
    ];
    const m = triggerMetrics(probes);
    expect([m.tp, m.fn, m.fp, m.tn]).toEqual([2, 1, 1, 2]);
    expect(m.precision).toBeCloseTo(2 / 3, 4);
    expect(m.recall).toBeCloseTo(2 / 3, 4);
    expect(m.f1).toBeCloseTo(2 / 3, 4);
    expect(m.balancedAccuracy).toBeCloseTo((2 / 3 + 2 / 3) / 2, 4);
    const [low, high] = m.ci95.f1 as [number, number];
    expect(low).toBeLessThanOrEqual(m.f1 as number);
    expect(high).toBeGreaterThanOrEqual(m.f1 as number);
    // the bootstrap is seeded: the same probes give the same interval
    expect(triggerMetrics([...probes]).ci95).toEqual(m.ci95);
  });

  it("a skill that never triggers has no precision and an F1 of 0", () => {
    const m = triggerMetrics([probe("a", true, false), probe("b", false, false)]);
    expect(m.precision).toBeNull();
    expect(m.recall).toBe(0);
    expect(m.f1).toBe(0);
  });

  it("a query went the wrong way when most of its runs did (half counts as wrong)", () => {
    const queries = [
      { id: "a", query: "qa", shouldTrigger: true },
      { id: "b", query: "qb", shouldTrigger: false },
    ];
    const outcomes = queryOutcomes(queries, [
      probe("a", true, true),
      probe("a", true, false, 1),
      probe("b", false, false),
      probe("b", false, false, 1),
      probe("b", false, true, 2),
    ]);
    expect(outcomes.map((q) => [q.id, q.rate, q.wrong])).toEqual([
      ["a", 0.5, true],
      ["b", 0.3333, false],
    ]);
  });
});
