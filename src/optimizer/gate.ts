import type { Gate } from "./types.js";

/**
 * Whether a new version replaces the current one. `none` (the published method) accepts every
 * patch; `nonneg` accepts one no worse on validation; `strict` only one that is better. Without
 * validation scores there is nothing to judge by, so the patch is accepted.
 */
export function gateAccepts(gate: Gate, score: number | null, currentScore: number | null): boolean {
  if (gate === "none" || score === null || currentScore === null) return true;
  return gate === "strict" ? score > currentScore : score >= currentScore;
}
