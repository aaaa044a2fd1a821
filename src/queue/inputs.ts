/**
 * A rollout's inputs travel by content hash: the coordinator stores each file once in the run's
 * input store (Redis, or a shared folder) under the sha256 of its bytes and puts only hashes in the job; a worker fetches what it lacks, checks
 * every file against its hash, keeps it in its cache, and refuses the job when anything fails.
 *
 * - a skill version: every file of the package, and the whole package is checked once more
 *   against its skill hash (src/skill/hash.ts) after it is rebuilt on the worker;
 * - a task's input files (`files`), each file of a listed folder;
 * - files a benchmark's grader reads, named by absolute path in the task's `meta` under a key
 *   ending in "Path" (SpreadsheetBench's answer workbook, `answerPath`);
 * - for a `command` grader, the task file's folder (its scripts run there), without .git,
 *   node_modules and the run's own runs and cache folders.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, isAbsolute, join, posix, resolve } from "node:path";
import { z } from "zod";
import { SkillgradError } from "../errors.js";
import { isInside } from "../skill/files.js";
import { loadSkill, type Skill, skillHash } from "../skill/index.js";
import type { GraderSpec, Task } from "../tasks/types.js";
import { type BlobCache, InputRejected, sha256 } from "./blobs.js";
import type { InputStore } from "./input-store.js";

const fileRef = z.object({ path: z.string().min(1), sha256: z.string(), executable: z.boolean() });
type FileRef = z.infer<typeof fileRef>;
const manifestSchema = z.object({ dir: z.string().min(1), files: z.array(fileRef) });
const treeSchema = z.object({ files: z.array(fileRef) });

/** A skill version in a job: its skill hash, and the hash of the manifest listing its files. */
export const skillRefSchema = z.object({ hash: z.string(), name: z.string(), manifest: z.string() });
export type SkillRef = z.infer<typeof skillRefSchema>;

/** A task in a job: everything but its files, which are hashes. */
export const taskRefSchema = z.object({
  id: z.string(),
  prompt: z.string(),
  expected: z.unknown().optional(),
  grader: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  files: z.array(fileRef),
  /** meta keys whose value is an input file, by hash. */
  metaFiles: z.record(z.string(), z.string()).optional(),
  /** The task file's folder, for a command grader: the hash of its file list. */
  baseTree: z.string().optional(),
});
export type TaskRef = z.infer<typeof taskRefSchema>;

/** A command grader's folder may be at most this big to go through the queue. */
const MAX_TREE_BYTES = 64 * 2 ** 20;
const MAX_TREE_FILES = 5000;
const SKIPPED_DIRS = new Set([".git", ".hg", ".svn", "node_modules", "__pycache__"]);

const isExecutable = (mode: number) => (mode & 0o111) !== 0;

/** Inputs are read whole (to hash and store them), and Node reads at most this much into memory. */
const MAX_INPUT_BYTES = 2 ** 31 - 1;

async function readInput(path: string): Promise<Buffer> {
  const { size } = await stat(path);
  if (size > MAX_INPUT_BYTES) {
    throw new SkillgradError(
      `${path} is ${(size / 2 ** 30).toFixed(1)} GiB: a file sent to queue workers may be at most 2 GiB; split it, or run without --queue`,
    );
  }
  return readFile(path);
}

/** Sends a skill version's files; what a job names it by. */
export async function packSkill(skill: Skill, store: InputStore): Promise<SkillRef> {
  const files: FileRef[] = [];
  const put = async (path: string, bytes: Buffer, expected?: string) => {
    if (expected !== undefined && sha256(bytes) !== expected) {
      throw new SkillgradError(
        `${join(skill.dir, path)} changed since the skill was loaded; run again with the skill left as it is`,
      );
    }
    const info = await stat(join(skill.dir, path));
    files.push({
      path,
      sha256: await store.put(bytes, join(skill.dir, path)),
      executable: isExecutable(info.mode),
    });
  };
  await put(skill.skillFile, Buffer.from(skill.source, "utf8"));
  for (const resource of skill.resources)
    await put(resource.path, await readInput(join(skill.dir, resource.path)), resource.sha256);
  const manifest = JSON.stringify({ dir: basename(skill.dir), files });
  return {
    hash: skillHash(skill),
    name: skill.name,
    manifest: await store.put(Buffer.from(manifest), `the manifest of skill ${skill.name}`),
  };
}

export interface PackTaskOptions {
  /** Folders never sent with a command grader's folder (the run's runs and cache folders). */
  exclude: string[];
}

/** Sends a task's files; the task as a job carries it. */
export async function packTask(task: Task, store: InputStore, options: PackTaskOptions): Promise<TaskRef> {
  const files: FileRef[] = [];
  for (const file of task.files) {
    for (const found of await listFiles(resolve(file.from), [], `task ${task.id}'s input ${file.from}`)) {
      files.push({
        path: found.rel ? posix.join(file.to, found.rel) : file.to,
        sha256: await store.put(await readInput(found.absolute), found.absolute),
        executable: found.executable,
      });
    }
  }
  const metaFiles: Record<string, string> = {};
  for (const [key, value] of Object.entries(task.meta ?? {})) {
    if (!key.endsWith("Path") || typeof value !== "string" || !isAbsolute(value)) continue;
    const info = await stat(value).catch(() => undefined);
    if (info?.isFile()) metaFiles[key] = await store.put(await readInput(value), value);
  }
  let baseTree: string | undefined;
  if (task.baseDir && graderType(task.grader) === "command") {
    baseTree = await packTree(task.baseDir, store, options.exclude);
  }
  return {
    id: task.id,
    prompt: task.prompt,
    ...(task.expected !== undefined ? { expected: task.expected } : {}),
    ...(task.grader !== undefined ? { grader: task.grader } : {}),
    ...(task.meta !== undefined ? { meta: task.meta } : {}),
    files,
    ...(Object.keys(metaFiles).length > 0 ? { metaFiles } : {}),
    ...(baseTree ? { baseTree } : {}),
  };
}

function graderType(spec: GraderSpec | undefined): string | undefined {
  return typeof spec === "string" ? spec : spec?.type;
}

async function packTree(dir: string, store: InputStore, exclude: string[]): Promise<string> {
  const found = await listFiles(
    resolve(dir),
    exclude.map((path) => resolve(path)),
    `the task folder ${dir}`,
  );
  const total = (await Promise.all(found.map((file) => stat(file.absolute)))).reduce((a, b) => a + b.size, 0);
  if (found.length > MAX_TREE_FILES || total > MAX_TREE_BYTES) {
    throw new SkillgradError(
      `a command grader runs in its task file's folder, which goes to the workers with --queue, but ${dir} holds ${found.length} files (${Math.round(total / 2 ** 20)} MiB; at most ${MAX_TREE_FILES} files and ${MAX_TREE_BYTES / 2 ** 20} MiB): move the task file and its grading scripts into a folder of their own`,
    );
  }
  const files: FileRef[] = [];
  for (const file of found) {
    files.push({
      path: file.rel,
      sha256: await store.put(await readInput(file.absolute), file.absolute),
      executable: file.executable,
    });
  }
  return store.put(Buffer.from(JSON.stringify({ files })), `the file list of ${dir}`);
}

interface FoundFile {
  absolute: string;
  /** Relative POSIX path below the listed folder ("" for a file listed itself). */
  rel: string;
  executable: boolean;
}

/** A file, or every file below a folder (symlinks followed, as a workspace copy follows them). */
async function listFiles(root: string, exclude: string[], what: string): Promise<FoundFile[]> {
  const info = await stat(root).catch(() => undefined);
  if (!info) throw new SkillgradError(`${what} does not exist; fix the task's input list`);
  if (info.isFile()) return [{ absolute: root, rel: "", executable: isExecutable(info.mode) }];
  const found: FoundFile[] = [];
  const walk = async (dir: string, rel: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const absolute = join(dir, entry.name);
      if (exclude.some((skip) => isInside(absolute, skip))) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      const entryInfo = await stat(absolute).catch(() => undefined);
      if (entryInfo?.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) await walk(absolute, child);
      } else if (entryInfo?.isFile()) {
        found.push({ absolute, rel: child, executable: isExecutable(entryInfo.mode) });
      }
    }
  };
  await walk(root, "");
  return found;
}

/** Where a worker keeps rebuilt inputs. */
export interface InputCache {
  blobs: BlobCache;
  /** Folder for rebuilt skill versions and task folders. */
  dir: string;
}

/** Rebuilds a skill version on the worker, checked file by file and then against its skill hash. */
export async function unpackSkill(ref: SkillRef, cache: InputCache): Promise<Skill> {
  const home = join(cache.dir, "skills", safeHash(ref.hash, "skill version"));
  const existing = await readdir(home).catch(() => [] as string[]);
  const folder = existing.find((name) => !name.endsWith(".tmp"));
  if (folder) {
    const skill = await loadSkill(join(home, folder)).catch(() => undefined);
    if (skill && skillHash(skill) === ref.hash) return skill;
    await rm(home, { recursive: true, force: true });
  }
  const manifest = parseJson(
    manifestSchema,
    await cache.blobs.read(ref.manifest, `the file list of skill ${ref.name}`),
    `the file list of skill ${ref.name}`,
  );
  const dirName = manifest.dir;
  if (dirName === "." || dirName === ".." || dirName.includes("/") || dirName.includes("\\")) {
    throw new InputRejected(`skill ${ref.name}: its folder name "${dirName}" is not a plain name`);
  }
  const temp = join(home, `${randomBytes(4).toString("hex")}.tmp`);
  await writeFiles(join(temp, dirName), manifest.files, cache, `skill ${ref.name}`);
  const skill = await loadSkill(join(temp, dirName));
  if (skillHash(skill) !== ref.hash) {
    await rm(temp, { recursive: true, force: true });
    throw new InputRejected(
      `skill ${ref.name} failed its hash check: the files sent are not version ${ref.hash}`,
    );
  }
  await rename(join(temp, dirName), join(home, dirName)).catch(async (error: NodeJS.ErrnoException) => {
    // another job of this worker rebuilt it first
    if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
  });
  await rm(temp, { recursive: true, force: true });
  return loadSkill(join(home, dirName));
}

/** Rebuilds a task on the worker: input files from the cache, meta files and a grader's folder. */
export async function unpackTask(ref: TaskRef, cache: InputCache): Promise<Task> {
  const files = [];
  for (const file of ref.files) {
    files.push({
      from: await cache.blobs.file(file.sha256, `task ${ref.id}'s input ${file.path}`),
      to: file.path,
    });
  }
  let meta = ref.meta;
  if (ref.metaFiles) {
    meta = { ...meta };
    for (const [key, sha] of Object.entries(ref.metaFiles))
      meta[key] = await cache.blobs.file(sha, `task ${ref.id}'s ${key}`);
  }
  let baseDir: string | undefined;
  if (ref.baseTree) {
    baseDir = join(cache.dir, "trees", safeHash(ref.baseTree, "task folder"));
    const done = join(baseDir, ".skillgrad-complete");
    if (!(await stat(done).catch(() => undefined))) {
      const tree = parseJson(
        treeSchema,
        await cache.blobs.read(ref.baseTree, `task ${ref.id}'s folder`),
        `task ${ref.id}'s folder`,
      );
      await writeFiles(baseDir, tree.files, cache, `task ${ref.id}'s folder`);
      await writeFile(done, "");
    }
  }
  return {
    id: ref.id,
    prompt: ref.prompt,
    files,
    ...(ref.expected !== undefined ? { expected: ref.expected } : {}),
    ...(ref.grader !== undefined ? { grader: ref.grader } : {}),
    ...(meta !== undefined ? { meta } : {}),
    ...(baseDir ? { baseDir } : {}),
  };
}

async function writeFiles(root: string, files: FileRef[], cache: InputCache, what: string): Promise<void> {
  for (const file of files) {
    const target = resolve(root, file.path);
    if (!isInside(target, root) || target === root) {
      throw new InputRejected(`${what}: the path ${file.path} leaves its folder`);
    }
    const bytes = await cache.blobs.read(file.sha256, `${what}: ${file.path}`);
    await mkdir(resolve(target, ".."), { recursive: true });
    await writeFile(target, bytes, { mode: file.executable ? 0o755 : 0o644 });
  }
}

function safeHash(hash: string, what: string): string {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new InputRejected(`the ${what} has no valid content hash`);
  return hash;
}

function parseJson<T>(schema: z.ZodType<T>, bytes: Buffer, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new InputRejected(`${what} is not valid JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InputRejected(`${what} is not a file list`);
  return parsed.data;
}
