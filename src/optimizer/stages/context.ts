import { join } from "node:path";
import type { RunEvent } from "../../runs/events.js";
import type { OptimizeInput } from "../types.js";

/**
 * What every stage of an iteration gets: the run's input, where the iteration's files go, the folder
 * of any skill version, and how to report progress. A stage is `(context, input) → output record`;
 * the loop saves each output in the iteration folder (and reads it back on resume).
 */
export interface StageContext {
  input: OptimizeInput;
  iteration: number;
  /** iterations/NNN, absolute. */
  dir: string;
  /** iterations/NNN, relative to the run folder. */
  sub: string;
  /** Where the role agents' transcripts go (iterations/NNN/agents). */
  agentsDir: string;
  skillDir(version: string): string;
  emit(event: RunEvent): Promise<void>;
}

export function agentsDirOf(dir: string): string {
  return join(dir, "agents");
}
