import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { SkillgradError, UsageError } from "../errors.js";
import { isFile, writeJsonAtomic } from "../util/fs.js";
import { seededRandom, shuffled } from "../util/random.js";
import { VERSION } from "../version.js";
import type { Task } from "./types.js";

/**
 * Seeded, reproducible splits of a dataset's ids, saved as JSON manifests.
 *
 * Split specs (`--split` of `skillgrad bench prepare`):
 * - `paper` (or `paper:heldout-seed=N`): the SkillGrad paper's two-stage protocol. Only tasks with all
 *   their test cases count (the caller names the others). The master seed (`--seed`) samples 400 ids
 *   (a larger dataset is first sampled down to 400; a smaller one is scaled proportionally, with a
 *   note) and splits them into 200 held-out + 200 evolution `pool`; the second seed (heldout-seed,
 *   default: the master seed) splits the held-out half into 20 `validation` + 180 `test`. The manifest
 *   records both seeds. The 40 training tasks are sampled later by the optimizer from the seed skill's
 *   failures on the pool, in batches of 4, so the manifest records `params: {trainSize: 40,
 *   batchSize: 4}` (trainSize scaled with the data).
 * - `ratio:train=0.5,validation=0.2,test=0.3`: seeded shares of all ids; sets may be `train`, `pool`,
 *   `validation` (or `val`) and `test`; the shares must add up to 1.
 *
 * Split references (`--split` of `skillgrad eval`): `NAME#SET` (the manifest `splits/NAME.json` of
 * the data folder) or `FILE#SET` (a manifest file), e.g. `paper#test` or `runs/my-split.json#validation`.
 */

export const SET_NAMES = ["pool", "train", "validation", "test"] as const;
export type SetName = (typeof SET_NAMES)[number];

const SET_ALIASES: Record<string, SetName> = { val: "validation", dev: "validation" };

/** The paper's numbers (SkillGrad on SpreadsheetBench Verified). */
export const PAPER_PROTOCOL = {
  total: 400,
  pool: 200,
  validation: 20,
  test: 180,
  trainSize: 40,
  batchSize: 4,
} as const;

export type SplitSpec =
  | { kind: "paper"; heldOutSeed?: number }
  | { kind: "ratio"; shares: { set: SetName; share: number }[] };

const idList = z.array(z.string().min(1));

const ManifestSchema = z.object({
  name: z.string().min(1),
  benchmark: z.string().min(1),
  seed: z.number().int(),
  createdBy: z.string().min(1),
  protocol: z.enum(["paper", "ratio"]),
  spec: z.string().min(1),
  /** How many ids the split was drawn from. */
  sourceIds: z.number().int().nonnegative(),
  sets: z.object({
    pool: idList.optional(),
    train: idList.optional(),
    validation: idList.optional(),
    test: idList.optional(),
  }),
  params: z
    .object({ trainSize: z.number().int().nonnegative(), batchSize: z.number().int().positive() })
    .optional(),
  /** The paper split's two seeds: the master seed (pool / held-out) and the held-out seed (validation / test). */
  seeds: z.object({ master: z.number().int(), heldOut: z.number().int() }).optional(),
  notes: z.array(z.string()).default([]),
});

export type SplitManifest = z.infer<typeof ManifestSchema>;

export function canonicalSetName(name: string): SetName | undefined {
  const lower = name.trim().toLowerCase();
  return (SET_NAMES as readonly string[]).includes(lower) ? (lower as SetName) : SET_ALIASES[lower];
}

/** Parses `paper` or `ratio:train=0.5,validation=0.2,test=0.3`; a bad spec is a usage error. */
export function parseSplitSpec(text: string): SplitSpec {
  const spec = text.trim();
  if (spec === "paper") return { kind: "paper" };
  const example = "ratio:train=0.5,validation=0.2,test=0.3";
  if (spec.startsWith("paper:")) {
    const match = /^paper:heldout-seed=(-?\d+)$/.exec(spec);
    if (!match) throw new UsageError(`bad split "${text}": use paper or paper:heldout-seed=N (N an integer)`);
    return { kind: "paper", heldOutSeed: Number(match[1]) };
  }
  if (!spec.startsWith("ratio:")) {
    throw new UsageError(`unknown split "${text}": use paper, paper:heldout-seed=N or ${example}`);
  }
  const shares: { set: SetName; share: number }[] = [];
  for (const part of spec.slice("ratio:".length).split(",")) {
    const [rawName, rawShare, extra] = part.split("=");
    const set = rawName === undefined ? undefined : canonicalSetName(rawName);
    const share = Number(rawShare);
    if (
      !set ||
      extra !== undefined ||
      rawShare === undefined ||
      !Number.isFinite(share) ||
      share <= 0 ||
      share > 1
    ) {
      throw new UsageError(
        `bad part "${part}" in split "${text}": write set=share with set one of ${SET_NAMES.join(", ")} and 0 < share ≤ 1, e.g. ${example}`,
      );
    }
    if (shares.some((entry) => entry.set === set))
      throw new UsageError(`split "${text}" names the set ${set} twice`);
    shares.push({ set, share });
  }
  const total = shares.reduce((sum, entry) => sum + entry.share, 0);
  if (Math.abs(total - 1) > 1e-6) {
    throw new UsageError(`the shares of split "${text}" add up to ${round(total)}, not 1: e.g. ${example}`);
  }
  return { kind: "ratio", shares };
}

export interface MakeSplitOptions {
  spec: SplitSpec;
  /** The spec as the user wrote it, recorded in the manifest. */
  specText: string;
  seed: number;
  benchmark: string;
  /** Default: `paper` or `ratio`. */
  name?: string;
  /** Who made it, e.g. "skillgrad 0.1.0 bench prepare"; the default names the version only. */
  createdBy?: string;
  /** paper: ids of tasks that lack some of their test cases; they do not count. */
  incomplete?: readonly string[];
}

/** Splits ids the same way on every machine for the same ids and seed (input order does not matter). */
export function makeSplit(ids: readonly string[], options: MakeSplitOptions): SplitManifest {
  const unique = [...new Set(ids)].sort(compareIds);
  const base = {
    name: options.name ?? options.spec.kind,
    benchmark: options.benchmark,
    seed: options.seed,
    createdBy: options.createdBy ?? `skillgrad ${VERSION}`,
    protocol: options.spec.kind,
    spec: options.specText,
    sourceIds: unique.length,
  };
  if (options.spec.kind === "paper") {
    const heldOutSeed = options.spec.heldOutSeed ?? options.seed;
    const left = new Set(options.incomplete ?? []);
    const counted = unique.filter((id) => !left.has(id));
    const split = paperSets(counted, options.seed, heldOutSeed);
    const dropped = unique.length - counted.length;
    if (dropped > 0) split.notes.unshift(`${dropped} task(s) lack some of their test cases and do not count`);
    return { ...base, ...split, seeds: { master: options.seed, heldOut: heldOutSeed } };
  }
  return { ...base, sets: ratioSets(unique, options.spec.shares, options.seed), notes: [] };
}

function paperSets(
  sortedIds: string[],
  seed: number,
  heldOutSeed: number,
): Pick<SplitManifest, "sets" | "params" | "notes"> {
  const P = PAPER_PROTOCOL;
  if (sortedIds.length < 3) {
    throw new SkillgradError(`the paper split needs at least 3 task ids; the data has ${sortedIds.length}`);
  }
  const notes: string[] = [];
  let order = shuffled(sortedIds, seededRandom(seed));
  if (order.length > P.total) {
    notes.push(`sampled ${P.total} of ${order.length} ids with the seed (the paper's size)`);
    order = order.slice(0, P.total);
  }
  const n = order.length;
  let sizes: { pool: number; validation: number; test: number; trainSize: number } = {
    pool: P.pool,
    validation: P.validation,
    test: P.test,
    trainSize: P.trainSize,
  };
  if (n < P.total) {
    const pool = Math.round((n * P.pool) / P.total);
    const heldOut = n - pool;
    const validation = Math.min(heldOut - 1, Math.max(1, Math.round((n * P.validation) / P.total)));
    const trainSize = Math.min(pool, Math.max(1, Math.round((n * P.trainSize) / P.total)));
    sizes = { pool, validation, test: heldOut - validation, trainSize };
    notes.push(
      `scaled proportionally: the data has ${n} ids and the paper's protocol uses ${P.total} ` +
        `(pool ${sizes.pool}, validation ${sizes.validation}, test ${sizes.test}, trainSize ${sizes.trainSize} instead of ${P.pool}/${P.validation}/${P.test}/${P.trainSize})`,
    );
  }
  // stage two: the held-out half, in id order, shuffled by its own seed into validation and test
  const heldOut = shuffled(order.slice(0, n - sizes.pool).sort(compareIds), seededRandom(heldOutSeed));
  return {
    sets: {
      pool: order.slice(n - sizes.pool).sort(compareIds),
      validation: heldOut.slice(0, sizes.validation).sort(compareIds),
      test: heldOut.slice(sizes.validation).sort(compareIds),
    },
    params: { trainSize: sizes.trainSize, batchSize: P.batchSize },
    notes,
  };
}

function ratioSets(
  sortedIds: string[],
  shares: { set: SetName; share: number }[],
  seed: number,
): SplitManifest["sets"] {
  const order = shuffled(sortedIds, seededRandom(seed));
  const n = order.length;
  // Largest remainder: floors first, then the leftover ids go to the largest fractions (ties: spec order).
  const exact = shares.map((entry) => entry.share * n);
  const sizes = exact.map(Math.floor);
  const leftover = n - sizes.reduce((sum, size) => sum + size, 0);
  const byFraction = exact
    .map((value, index) => ({ index, fraction: value - Math.floor(value) }))
    .sort((a, b) => b.fraction - a.fraction || a.index - b.index);
  for (let k = 0; k < leftover; k++) {
    const target = byFraction[k % byFraction.length];
    if (target) sizes[target.index] = (sizes[target.index] ?? 0) + 1;
  }
  const sets: SplitManifest["sets"] = {};
  let start = 0;
  shares.forEach((entry, index) => {
    const size = sizes[index] ?? 0;
    sets[entry.set] = order.slice(start, start + size).sort(compareIds);
    start += size;
  });
  return sets;
}

/** Code-unit order: the same on every machine, unlike locale comparison. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Tasks that lack some of their test cases (`meta.testCasesComplete: false`): the paper split leaves them out. */
export function incompleteTaskIds(tasks: readonly Task[]): string[] {
  return tasks.filter((task) => task.meta?.testCasesComplete === false).map((task) => task.id);
}

export async function saveSplit(path: string, manifest: SplitManifest): Promise<void> {
  await writeJsonAtomic(path, manifest);
}

/** Reads and checks a split manifest: known fields, at least one set, no id in two sets or twice. */
export async function loadSplit(path: string): Promise<SplitManifest> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new SkillgradError(`cannot read split manifest ${path}: check the path`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SkillgradError(`split manifest ${path} is not valid JSON (${(error as Error).message})`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SkillgradError(
      `split manifest ${path}: ${issue?.path.join(".") || "manifest"}: ${issue?.message}; make a new one with skillgrad bench prepare --split`,
    );
  }
  const manifest = parsed.data;
  const owner = new Map<string, string>();
  const entries = Object.entries(manifest.sets).filter(
    (entry): entry is [string, string[]] => entry[1] !== undefined,
  );
  if (entries.length === 0) throw new SkillgradError(`split manifest ${path} has no sets`);
  for (const [set, ids] of entries) {
    for (const id of ids) {
      const earlier = owner.get(id);
      if (earlier !== undefined) {
        throw new SkillgradError(
          `split manifest ${path}: id "${id}" is in ${earlier === set ? `${set} twice` : `both ${earlier} and ${set}`}`,
        );
      }
      owner.set(id, set);
    }
  }
  return manifest;
}

export interface SplitRef {
  /** A manifest name (`paper`) or a file path. */
  source: string;
  set: SetName;
}

/** Parses `NAME#SET` or `FILE#SET`. */
export function parseSplitRef(ref: string): SplitRef {
  const hash = ref.lastIndexOf("#");
  const source = hash >= 0 ? ref.slice(0, hash) : ref;
  const setText = hash >= 0 ? ref.slice(hash + 1) : "";
  if (source === "" || setText === "") {
    throw new UsageError(
      `--split ${ref}: name the manifest and the set as NAME#SET or FILE#SET, e.g. --split paper#test (sets: ${SET_NAMES.join(", ")})`,
    );
  }
  const set = canonicalSetName(setText);
  if (!set)
    throw new UsageError(`--split ${ref}: unknown set "${setText}"; use one of ${SET_NAMES.join(", ")}`);
  return { source, set };
}

const NAME_PATTERN = /^[\w.-]+$/;

/** Where a split reference's manifest is: the file itself, or `<dir>/splits/<name>.json` in the first dir that has it. */
export async function findSplitManifest(source: string, searchDirs: readonly string[]): Promise<string> {
  if (await isFile(source)) return resolve(source);
  if (NAME_PATTERN.test(source) && !source.endsWith(".json")) {
    for (const dir of searchDirs) {
      const candidate = join(dir, "splits", `${source}.json`);
      if (await isFile(candidate)) return resolve(candidate);
    }
    const where = searchDirs.map((dir) => join(dir, "splits")).join(" or ") || "(no data folder)";
    throw new SkillgradError(
      `no split named "${source}" in ${where}: make one with skillgrad bench prepare <benchmark> --split paper, or pass a manifest file as FILE#SET`,
    );
  }
  throw new SkillgradError(`split manifest ${source} does not exist: pass NAME#SET or FILE#SET`);
}

export interface SplitSelection {
  tasks: Task[];
  /** Ids of the set that no task has. */
  missing: string[];
  manifest: SplitManifest;
  manifestPath: string;
  set: SetName;
}

/**
 * Keeps the tasks of one set of a split manifest (in the dataset's order). The manifest must be for
 * this benchmark when one is given; ids the data lacks are reported, and a set with none is an error.
 */
export async function selectSplit(
  tasks: readonly Task[],
  ref: string,
  options: { searchDirs: readonly string[]; benchmark?: string },
): Promise<SplitSelection> {
  const { source, set } = parseSplitRef(ref);
  const manifestPath = await findSplitManifest(source, options.searchDirs);
  const manifest = await loadSplit(manifestPath);
  if (options.benchmark !== undefined && manifest.benchmark !== options.benchmark) {
    throw new SkillgradError(
      `split manifest ${manifestPath} is for benchmark ${manifest.benchmark}, not ${options.benchmark}: pick a manifest made for ${options.benchmark}`,
    );
  }
  const ids = manifest.sets[set];
  if (ids === undefined) {
    const available = Object.keys(manifest.sets).filter((key) => manifest.sets[key as SetName] !== undefined);
    throw new UsageError(
      `split manifest ${manifestPath} has no ${set} set: use one of ${available.join(", ")}`,
    );
  }
  const wanted = new Set(ids);
  const selected = tasks.filter((task) => wanted.has(task.id));
  const present = new Set(selected.map((task) => task.id));
  const missing = ids.filter((id) => !present.has(id));
  if (selected.length === 0) {
    throw new SkillgradError(
      `none of the ${ids.length} ids of ${set} in ${manifestPath} is a task of this data: was the split made for other data?`,
    );
  }
  return { tasks: selected, missing, manifest, manifestPath, set };
}
