import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { copyFile, lstat, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, extname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { SkillgradError } from "../../errors.js";
import { isFile } from "../../util/fs.js";
import { DEFAULT_ZIP_LIMITS, ZipArchive, ZipError, type ZipLimits } from "./xlsx/zip.js";

/** A workbook LibreOffice could not recalculate (timeout, crash, no output): a failure of that file only. */
export class RecalcError extends SkillgradError {
  constructor(message: string) {
    super(message);
    this.name = "RecalcError";
  }
}

export const DEFAULT_RECALC_TIMEOUT_MS = 120_000;

/** The LibreOffice executable on PATH (`soffice` or `libreoffice`), if any. */
export function findLibreOffice(): string | undefined {
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    if (directory === "") continue;
    for (const name of ["soffice", "libreoffice"]) {
      const candidate = join(directory, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not in this directory: keep looking
      }
    }
  }
  return undefined;
}

export function hasLibreOffice(): boolean {
  return findLibreOffice() !== undefined;
}

const WORKSHEET_PART = /^xl\/worksheets\/[^/]+\.xml$/;
const CELL = /<(?:\w+:)?c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:\w+:)?c>)/g;
const FORMULA = /<(?:\w+:)?f\b/;
const CACHED_VALUE = /<(?:\w+:)?v>[^<]/;
// A text result may be cached as empty: LibreOffice writes formulas giving "" as t="str" with <v></v>.
const CACHED_EMPTY_TEXT = /<(?:\w+:)?v(?:\/>|>)/;
const TEXT_TYPE = /\bt="str"/;
// Excel caches a formula's empty-text result as a self-closed <v/>; openpyxl writes <v></v> for "no value".
const CACHED_SELF_CLOSED = /<(?:\w+:)?v\s*\/>/;

/**
 * True when some formula cell has no cached value (as openpyxl and other libraries write them):
 * the grader would read it as empty unless the workbook is recalculated first. A file that cannot
 * be read as a zip, a symbolic link, or one larger than the limits when inflated does not need
 * recalculation (grading reports it instead).
 */
export async function needsRecalc(path: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<boolean> {
  let zip: ZipArchive;
  try {
    zip = await ZipArchive.open(path, { limits, noFollow: true });
  } catch (error) {
    if (error instanceof ZipError || typeof (error as NodeJS.ErrnoException).code === "string") return false;
    throw error;
  }
  try {
    for (const name of zip.names()) {
      if (!WORKSHEET_PART.test(name)) continue;
      const xml = (await zip.read(name))?.toString("utf8") ?? "";
      if (hasFormulaWithoutValue(xml)) return true;
    }
    return false;
  } catch (error) {
    if (error instanceof ZipError) return false; // unreadable or too large: compareWorkbooks gives the reason
    throw error;
  } finally {
    await zip.close();
  }
}

function hasFormulaWithoutValue(xml: string): boolean {
  if (!FORMULA.test(xml)) return false;
  for (const cell of xml.matchAll(CELL)) {
    const body = cell[2];
    if (body === undefined || !FORMULA.test(body) || CACHED_VALUE.test(body)) continue;
    if (TEXT_TYPE.test(cell[1] ?? "") && CACHED_EMPTY_TEXT.test(body)) continue;
    if (CACHED_SELF_CLOSED.test(body)) continue;
    return true;
  }
  return false;
}

/**
 * Recalculates a copy of the workbook with LibreOffice headless (`--convert-to xlsx`) and returns
 * the path of the recalculated copy, in a temporary folder of its own (remove it with
 * `removeRecalculated`). The original is never touched. Each call uses its own LibreOffice
 * profile, so calls can run in parallel.
 */
export async function recalculate(path: string, options: { timeoutMs?: number } = {}): Promise<string> {
  const batch = await recalculateMany([path], options);
  const result = batch.results[0];
  if (typeof result === "string") return result;
  await batch.dispose();
  throw result ?? new RecalcError(`LibreOffice wrote no recalculated copy of ${path}`);
}

export interface RecalcBatch {
  /** Per input path, in order: the recalculated copy, or why there is none. */
  results: (string | RecalcError)[];
  /** Removes the batch's temporary folder and every copy in it. */
  dispose(): Promise<void>;
}

/**
 * Recalculates copies of several workbooks with one LibreOffice start (start-up dominates the
 * time: seconds per call). `timeoutMs` is per workbook. Files LibreOffice did not convert in the
 * batch are retried one by one, so one bad workbook cannot fail the others.
 */
export async function recalculateMany(
  paths: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<RecalcBatch> {
  const soffice = findLibreOffice();
  if (soffice === undefined) {
    throw new SkillgradError(
      "LibreOffice (soffice) is not on PATH, and it is needed to recalculate formulas: install libreoffice-calc-nogui (e.g. apt-get install libreoffice-calc-nogui), or grade with --no-recalc",
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_RECALC_TIMEOUT_MS;
  const root = await mkdtemp(join(tmpdir(), "skillgrad-recalc-"));
  const dispose = () => rm(root, { recursive: true, force: true });
  try {
    const outDir = join(root, "recalculated");
    const sourceDir = join(root, "source");
    await mkdir(outDir);
    await mkdir(sourceDir);
    // Numbered copies: LibreOffice names each result after its source, so names must not collide.
    const sources: string[] = [];
    const results: (string | RecalcError)[] = [];
    for (const [i, path] of paths.entries()) {
      const name = `${i + 1}_${basename(path, extname(path))}.xlsx`;
      sources.push(join(sourceDir, name));
      const info = await lstat(path).catch(() => undefined);
      if (info?.isSymbolicLink()) {
        results.push(new RecalcError(`cannot recalculate ${path}: it is a symbolic link, not a workbook`));
        continue;
      }
      if (!info?.isFile()) {
        results.push(new RecalcError(`cannot recalculate ${path}: file not found`));
        continue;
      }
      await copyFile(path, join(sourceDir, name));
      results.push(join(outDir, name));
    }
    const pending = results.flatMap((result, i) => (typeof result === "string" ? [i] : []));
    const batchError = await convert(
      soffice,
      root,
      pending.map((i) => sources[i] ?? ""),
      outDir,
      timeoutMs,
      pending.length === 1 ? (paths[pending[0] ?? 0] ?? "") : `${pending.length} workbooks`,
    );
    for (const i of pending) {
      const output = results[i] as string;
      if (await isFile(output)) continue;
      // Retried alone when it was part of a larger batch; otherwise the batch error is its own.
      const error =
        pending.length > 1
          ? await convert(soffice, root, [sources[i] ?? ""], outDir, timeoutMs, paths[i] ?? "")
          : batchError;
      if (!(await isFile(output))) {
        results[i] = error ?? new RecalcError(`LibreOffice wrote no recalculated copy of ${paths[i]}`);
      }
    }
    await rm(sourceDir, { recursive: true, force: true });
    return { results, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Runs one LibreOffice conversion with a fresh profile; returns its error instead of throwing it. */
async function convert(
  soffice: string,
  root: string,
  sources: string[],
  outDir: string,
  timeoutMs: number,
  label: string,
): Promise<RecalcError | undefined> {
  if (sources.length === 0) return undefined;
  const profile = await mkdtemp(join(root, "profile-"));
  try {
    await runLibreOffice(
      soffice,
      [
        `-env:UserInstallation=${pathToFileURL(profile).href}`,
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "xlsx",
        "--outdir",
        outDir,
        ...sources,
      ],
      timeoutMs * sources.length,
      label,
    );
    return undefined;
  } catch (error) {
    if (error instanceof RecalcError) return error;
    throw error;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** Removes the temporary folder of a copy returned by `recalculate`. */
export async function removeRecalculated(recalculatedPath: string): Promise<void> {
  const root = dirname(dirname(recalculatedPath));
  if (!basename(root).startsWith("skillgrad-recalc-")) {
    throw new Error(`not a copy made by recalculate(): ${recalculatedPath}`);
  }
  await rm(root, { recursive: true, force: true });
}

function runLibreOffice(soffice: string, args: string[], timeoutMs: number, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout also ends the soffice.bin it starts.
    const child = spawn(soffice, args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stdout.resume();
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new RecalcError(`cannot start LibreOffice (${soffice}): ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(
          new RecalcError(
            `LibreOffice did not recalculate ${label} within ${Math.round(timeoutMs / 1000)} s`,
          ),
        );
      } else if (code !== 0) {
        const detail = stderr.trim().split("\n").at(-1) ?? "";
        reject(
          new RecalcError(
            `LibreOffice failed on ${label} (${signal ?? `exit ${code}`})${detail ? `: ${detail}` : ""}`,
          ),
        );
      } else {
        resolve();
      }
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
