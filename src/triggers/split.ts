import { seededRandom, shuffled } from "../util/random.js";
import type { TriggerQuery } from "./types.js";

export interface TriggerSplit {
  seed: number;
  /** Share of each kind (should / should not trigger) held out. */
  holdout: number;
  train: string[];
  heldout: string[];
}

/**
 * A seeded train/held-out split, stratified: the same share of should-trigger and of should-not
 * queries is held out (at least one of each kind on both sides when there are two or more).
 */
export function splitQueries(queries: TriggerQuery[], holdout: number, seed: number): TriggerSplit {
  const train: string[] = [];
  const heldout: string[] = [];
  for (const [index, kind] of [true, false].entries()) {
    const ids = shuffled(
      queries.filter((q) => q.shouldTrigger === kind).map((q) => q.id),
      seededRandom(seed * 1009 + index + 1),
    );
    let held = Math.round(ids.length * holdout);
    if (ids.length >= 2) held = Math.min(ids.length - 1, Math.max(1, held));
    heldout.push(...ids.slice(0, held));
    train.push(...ids.slice(held));
  }
  return { seed, holdout, train: train.sort(), heldout: heldout.sort() };
}
