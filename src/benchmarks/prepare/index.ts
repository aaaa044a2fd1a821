import { join, resolve } from "node:path";
import { SkillgradError, UsageError } from "../../errors.js";
import {
  incompleteTaskIds,
  makeSplit,
  parseSplitSpec,
  type SplitManifest,
  type SplitSpec,
  saveSplit,
} from "../../tasks/split.js";
import { isDirectory } from "../../util/fs.js";
import { VERSION } from "../../version.js";
import { loadSsbTasks } from "../spreadsheetbench/benchmark.js";
import { loadWtqTasks } from "../wtq/benchmark.js";
import { downloadAndExtract, findDataRoot } from "./download.js";
import { SSB_SOURCES, type SsbRelease, WTQ_SOURCE } from "./sources.js";
import {
  looksLikeSpreadsheetBench,
  prepareSsbData,
  type SsbPrepared,
  verifiedIds,
} from "./spreadsheetbench.js";
import { looksLikeWtq, prepareWtqData, type WtqPrepared } from "./wtq.js";

export const PREPARABLE = ["wtq", "spreadsheetbench"] as const;
export type PreparableBenchmark = (typeof PREPARABLE)[number];

export interface PrepareOptions {
  benchmark: PreparableBenchmark;
  /** A local copy; without it the official release is downloaded. */
  from?: string;
  out: string;
  /** Split specs: `paper` or `ratio:…` (see src/tasks/split.ts). */
  splits: string[];
  seed: number;
  /** SpreadsheetBench release to download. */
  release?: SsbRelease;
  /** Download from this URL instead of the official one (a mirror). */
  url?: string;
  log?: (line: string) => void;
}

export interface PreparedSplit {
  name: string;
  path: string;
  sizes: Record<string, number>;
  notes: string[];
}

export interface PrepareReport {
  benchmark: PreparableBenchmark;
  out: string;
  source: string;
  counts: WtqPrepared | SsbPrepared;
  splits: PreparedSplit[];
}

/** Verifies and lays out a benchmark's data in `out`, then writes its split manifests to `out/splits/`. */
export async function prepareBenchmark(options: PrepareOptions): Promise<PrepareReport> {
  const log = options.log ?? (() => undefined);
  const specs = options.splits.map((text) => ({ text, spec: parseSplitSpec(text) }));
  const out = resolve(options.out);
  if (options.from !== undefined) {
    const from = resolve(options.from);
    if (!(await isDirectory(from)))
      throw new SkillgradError(`--from ${options.from} is not a folder: pass the folder of a local copy`);
    const counts = await layOut(options.benchmark, from, out);
    return {
      benchmark: options.benchmark,
      out,
      source: from,
      counts,
      splits: await writeSplits(options, out, specs),
    };
  }
  const source = options.benchmark === "wtq" ? WTQ_SOURCE : SSB_SOURCES[options.release ?? "verified"];
  const chosen = options.url
    ? {
        ...source,
        url: options.url,
        archive: options.url.endsWith(".zip") ? ("zip" as const) : ("tar.gz" as const),
      }
    : source;
  const downloaded = await downloadAndExtract(chosen, log);
  try {
    const looks = options.benchmark === "wtq" ? looksLikeWtq : looksLikeSpreadsheetBench;
    const root = await findDataRoot(downloaded.dir, looks);
    if (!root) {
      throw new SkillgradError(
        `the archive from ${chosen.url} does not hold the expected ${options.benchmark} files: download it yourself and pass --from DIR`,
      );
    }
    const counts = await layOut(options.benchmark, root, out);
    return {
      benchmark: options.benchmark,
      out,
      source: chosen.url,
      counts,
      splits: await writeSplits(options, out, specs),
    };
  } finally {
    await downloaded.dispose();
  }
}

function layOut(
  benchmark: PreparableBenchmark,
  from: string,
  out: string,
): Promise<WtqPrepared | SsbPrepared> {
  return benchmark === "wtq" ? prepareWtqData(from, out) : prepareSsbData(from, out);
}

/** A file name for a split: `paper`, or e.g. `ratio-train50-validation20-test30`. */
export function splitName(spec: SplitSpec): string {
  if (spec.kind === "paper") return "paper";
  return ["ratio", ...spec.shares.map((entry) => `${entry.set}${Math.round(entry.share * 100)}`)].join("-");
}

async function writeSplits(
  options: PrepareOptions,
  out: string,
  specs: { text: string; spec: SplitSpec }[],
): Promise<PreparedSplit[]> {
  const tasks = await loadPrepared(options.benchmark, out);
  const ids = tasks.map((task) => task.id);
  const written: PreparedSplit[] = [];
  for (const { text, spec } of specs) {
    const name = splitName(spec);
    if (written.some((split) => split.name === name)) throw new UsageError(`--split ${text} is given twice`);
    const { ids: chosen, note } =
      spec.kind === "paper" ? await paperIds(options.benchmark, ids) : { ids, note: undefined };
    const manifest: SplitManifest = makeSplit(chosen, {
      spec,
      specText: text,
      seed: options.seed,
      benchmark: options.benchmark,
      name,
      createdBy: `skillgrad ${VERSION} bench prepare`,
      incomplete: incompleteTaskIds(tasks),
    });
    if (note) manifest.notes.unshift(note);
    const path = join(out, "splits", `${name}.json`);
    await saveSplit(path, manifest);
    const sizes = Object.fromEntries(
      Object.entries(manifest.sets).map(([set, list]) => [set, list?.length ?? 0]),
    );
    written.push({ name, path, sizes, notes: manifest.notes });
  }
  return written;
}

function loadPrepared(benchmark: PreparableBenchmark, dataDir: string) {
  return benchmark === "wtq" ? loadWtqTasks({ data: dataDir }) : loadSsbTasks({ data: dataDir });
}

/** The paper used SpreadsheetBench Verified: its 400 ids when the data holds them all, else every id. */
async function paperIds(
  benchmark: PreparableBenchmark,
  ids: string[],
): Promise<{ ids: string[]; note?: string }> {
  if (benchmark !== "spreadsheetbench") return { ids };
  const verified = await verifiedIds();
  const present = new Set(ids);
  if (verified.every((id) => present.has(id))) {
    return ids.length === verified.length
      ? { ids }
      : { ids: verified, note: `the 400 SpreadsheetBench Verified ids of the ${ids.length} tasks` };
  }
  return {
    ids,
    note: `the data does not hold all 400 SpreadsheetBench Verified ids (the paper's set); all ${ids.length} task ids were split instead`,
  };
}
