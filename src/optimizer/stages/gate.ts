import { join } from "node:path";
import { evaluateVersion } from "../evaluate-version.js";
import { gateAccepts } from "../gate.js";
import type { Gate } from "../types.js";
import type { StageContext } from "./context.js";

/** The gate's decision on a new version, saved as gate.json. */
export interface GateRecord {
  version: string;
  score: number | null;
  currentScore: number | null;
  gate: Gate;
  accepted: boolean;
}

/**
 * The validation gate: the new version's validation pass rate against the current one's. Measured
 * when a gate is set or a validation split exists (best-version choice uses it too).
 */
export async function gateStage(
  ctx: StageContext,
  input: { version: string; currentScore: number | null },
): Promise<GateRecord> {
  const { settings, split } = ctx.input;
  let score: number | null = null;
  if (split.validation.length > 0) {
    await ctx.emit({ type: "stage", stage: "validate", version: input.version });
    const evaluation = await evaluateVersion(
      ctx.input,
      join("validation", input.version),
      split.validation,
      ctx.skillDir(input.version),
    );
    score = evaluation.summary.passRate;
  }
  return {
    version: input.version,
    score,
    currentScore: input.currentScore,
    gate: settings.gate,
    accepted: gateAccepts(settings.gate, score, input.currentScore),
  };
}
