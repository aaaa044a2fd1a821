import { randomBytes } from "node:crypto";
import { constants, existsSync } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { errorMessage, SkillgradError } from "../errors.js";
import { maskSecrets } from "../models/index.js";
import { appendJsonLine, writeJsonAtomic } from "../util/fs.js";
import type { RunEvent } from "./events.js";

export type RunKind = "eval" | "optimize" | "compare" | "triggers";

/** The files of one run folder (see DESIGN.md, "Run folder"). */
export interface RunFolder {
  id: string;
  dir: string;
  config: string;
  state: string;
  ledger: string;
  events: string;
  summary: string;
  results: string;
  trajectories: string;
  workspaces: string;
  report: string;
}

export function runFolderAt(dir: string): RunFolder {
  const full = resolve(dir);
  return {
    id: full.split(/[\\/]/).at(-1) ?? full,
    dir: full,
    config: join(full, "config.json"),
    state: join(full, "state.json"),
    ledger: join(full, "ledger.jsonl"),
    events: join(full, "events.jsonl"),
    summary: join(full, "summary.json"),
    results: join(full, "results.jsonl"),
    trajectories: join(full, "trajectories"),
    workspaces: join(full, "workspaces"),
    report: join(full, "report.html"),
  };
}

/** A new run id: sortable by time, unique across parallel runs. */
export function newRunId(kind: RunKind, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\..+$/, "").replace("T", "-");
  return `${stamp}-${kind}-${randomBytes(3).toString("hex")}`;
}

export async function createRunFolder(runsDir: string, kind: RunKind, config: unknown): Promise<RunFolder> {
  const folder = runFolderAt(join(runsDir, newRunId(kind)));
  try {
    await mkdir(folder.trajectories, { recursive: true });
  } catch (error) {
    throw await unwritable(runsDir, error);
  }
  await writeJsonAtomic(folder.config, maskSecrets({ kind, ...(config as object) }));
  return folder;
}

export type { RunEvent } from "./events.js";

/** Progress events, one JSON line each, for the report and live progress. */
export function recordEvent(folder: RunFolder, event: RunEvent): Promise<void> {
  return appendJsonLine(folder.events, { ts: new Date().toISOString(), ...event });
}

/** Why a runs folder cannot be made (Node reports a read-only disk as ENOENT here), as one line. */
async function unwritable(runsDir: string, error: unknown): Promise<SkillgradError> {
  let existing = runsDir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const reason = await access(existing, constants.W_OK).then(
    () => errorMessage(error),
    (denied: NodeJS.ErrnoException) =>
      denied.code === "EROFS"
        ? "it is on a read-only file system"
        : `${existing} is not writable (${denied.code})`,
  );
  return new SkillgradError(
    `cannot create a run folder in ${runsDir}: ${reason}; choose a writable folder with --runs-dir`,
    { cause: error },
  );
}
