import type { OptimizeSettings } from "./types.js";

/** The defaults of an optimize run: the published method's numbers where it has them. */
export const DEFAULT_SETTINGS: OptimizeSettings = {
  trainFrom: "failures",
  trainSize: 40,
  batchSize: 4,
  epochs: 1,
  earlyStop: 4,
  gate: "none",
  maxAnchors: 4,
  repairRounds: 2,
  repeat: 1,
  concurrency: 4,
  seed: 0,
  momentum: true,
  contrastive: true,
  sandbox: "auto",
  maxTurns: 30,
  baseMaxTurns: 20,
  diagnoserTurns: 15,
  momentumTurns: 15,
  patcherTurns: 20,
  commandTimeoutSec: 120,
  taskTimeoutSec: 900,
};
