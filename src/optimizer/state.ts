import { existsSync } from "node:fs";
import { join } from "node:path";
import { SkillgradError } from "../errors.js";
import type { RunFolder } from "../runs/run-folder.js";
import { readJsonFileSync, writeJsonAtomic } from "../util/fs.js";
import type { PatternMemory } from "./records.js";
import type { PatchSummary } from "./stages/momentum.js";
import type { RejectedEdit } from "./stages/patch.js";

export interface VersionRecord {
  /** "v000" is the seed; "vNNN" was made in iteration NNN. */
  id: string;
  hash: string;
  iteration: number;
  parent: string | null;
  /** Pass rate on the validation split, when it was measured. */
  validation: number | null;
}

/** The loop's checkpoint, written atomically after every stage; `--resume` continues from it. */
export interface LoopState {
  format: 1;
  status: "running" | "done" | "stopped";
  stoppedBy?: "budget" | "early-stop" | "iterations";
  stopReason?: string;
  trainIds: string[] | null;
  /** The last iteration whose every stage is done (0 = none yet). */
  iteration: number;
  /** The last stage done inside the iteration in progress; its output is in iterations/NNN/. */
  stage?: { iteration: number; name: string };
  current: string;
  best: string;
  versions: VersionRecord[];
  /** Consecutive batches with no failure (early stop counts these). */
  cleanStreak: number;
  memory: PatternMemory;
  patches: PatchSummary[];
  rejected: RejectedEdit[];
  /** The latest failed attempt of each task: its trajectory file, relative to the run folder. */
  failedBefore: Record<string, { trajectory: string; result: string; version: string }>;
}

export function initialState(seed: VersionRecord): LoopState {
  return {
    format: 1,
    status: "running",
    trainIds: null,
    iteration: 0,
    current: seed.id,
    best: seed.id,
    versions: [seed],
    cleanStreak: 0,
    memory: { patterns: [] },
    patches: [],
    rejected: [],
    failedBefore: {},
  };
}

export function readState(folder: RunFolder): LoopState | undefined {
  if (!existsSync(folder.state)) return undefined;
  const state = readJsonFileSync<LoopState>(
    folder.state,
    "the run's checkpoint",
    "restore it from a backup, or start a new run (the response cache makes repeated calls free)",
  );
  if (state?.format !== 1 || !Array.isArray(state.versions))
    throw new SkillgradError(
      `the run's checkpoint ${folder.state} is not a skillgrad checkpoint; restore it from a backup, or start a new run`,
    );
  return state;
}

export function saveState(folder: RunFolder, state: LoopState): Promise<void> {
  return writeJsonAtomic(folder.state, state);
}

export function iterationDir(folder: RunFolder, iteration: number): string {
  return join(folder.dir, "iterations", String(iteration).padStart(3, "0"));
}

export function versionId(iteration: number): string {
  return `v${String(iteration).padStart(3, "0")}`;
}
