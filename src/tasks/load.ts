import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from "node:path";
import { z } from "zod";
import { SkillgradError } from "../errors.js";
import { graderSpecProblem } from "../graders/validate.js";
import type { Task, TaskFile } from "./types.js";

const fileEntry = z.union([z.string().min(1), z.object({ from: z.string().min(1), to: z.string().min(1) })]);

const taskLine = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  prompt: z.string().min(1),
  files: z.array(fileEntry).optional(),
  expected: z.unknown().optional(),
  grader: z.union([z.string().min(1), z.looseObject({ type: z.string().min(1) })]).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  /** A workspace file the agent writes its answer to (relative). */
  answerFile: z.string().min(1).optional(),
});

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid task";
  const where = issue.path.length > 0 ? `field "${issue.path.join(".")}"` : "the line";
  return `${where}: ${issue.message}`;
}

/** A workspace path must stay inside the workspace. */
function workspacePath(to: string, where: string): string {
  const clean = posix.normalize(to.replaceAll("\\", "/"));
  if (isAbsolute(to) || clean.startsWith("../") || clean === "..") {
    throw new SkillgradError(`${where}: workspace path "${to}" leaves the workspace; use a relative path`);
  }
  return clean;
}

/**
 * Reads a JSONL task file: one `{id, prompt, files?, expected?, grader?, meta?}` per line,
 * file paths relative to the task file. Blank lines and lines starting with `//` are skipped.
 * Every grader is checked here, before any model call; every input file or folder must resolve
 * (symlinks included) inside the task file's folder.
 */
export async function loadTasks(taskFile: string): Promise<Task[]> {
  const path = resolve(taskFile);
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile())
      throw new SkillgradError(`${taskFile} is not a file: pass a JSONL task file to --tasks`);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof SkillgradError) throw error;
    throw new SkillgradError(`cannot read task file ${taskFile}: check the path given to --tasks`, {
      cause: error,
    });
  }
  const text = decodeUtf8(bytes, taskFile);
  const baseDir = dirname(path);
  const realBase = await realpath(baseDir);
  const tasks: Task[] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = (index === 0 ? raw.replace(/^\uFEFF/, "") : raw).trim();
    if (line === "" || line.startsWith("//")) continue;
    const where = `${taskFile}:${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new SkillgradError(
        `${where}: not valid JSON (${(error as Error).message}); fix or remove the line`,
      );
    }
    const parsed = taskLine.safeParse(json);
    if (!parsed.success) throw new SkillgradError(`${where}: ${describeIssue(parsed.error)}`);
    const record = parsed.data;
    const earlier = seen.get(record.id);
    if (earlier !== undefined) {
      throw new SkillgradError(
        `${where}: duplicate task id "${record.id}" (first on line ${earlier}); ids must be unique`,
      );
    }
    seen.set(record.id, index + 1);
    const graderProblem = graderSpecProblem(record.grader, record.expected);
    if (graderProblem) throw new SkillgradError(`${where}: task "${record.id}": ${graderProblem}`);
    const files: TaskFile[] = [];
    for (const entry of record.files ?? []) {
      const from = typeof entry === "string" ? entry : entry.from;
      const to = typeof entry === "string" ? posix.basename(entry.replaceAll("\\", "/")) : entry.to;
      const source = await confinedSource(realBase, baseDir, from, `${where}: task "${record.id}"`);
      files.push({ from: source, to: workspacePath(to, where) });
    }
    tasks.push({
      id: record.id,
      prompt: record.prompt,
      files,
      baseDir,
      ...(record.expected !== undefined ? { expected: record.expected } : {}),
      ...(record.grader !== undefined ? { grader: record.grader } : {}),
      ...(record.meta !== undefined ? { meta: record.meta } : {}),
      ...(record.answerFile !== undefined ? { answerFile: workspacePath(record.answerFile, where) } : {}),
    });
  }
  if (tasks.length === 0) throw new SkillgradError(`${taskFile} has no tasks: add one JSON object per line`);
  return tasks;
}

/** The file's text; bytes that are not UTF-8 are an error naming the line, never U+FFFD. */
function decodeUtf8(bytes: Buffer, taskFile: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    let start = 0;
    for (let line = 1; start <= bytes.length; line++) {
      const end = bytes.indexOf(0x0a, start);
      const stop = end < 0 ? bytes.length : end;
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start, stop));
      } catch {
        throw new SkillgradError(`${taskFile}:${line}: not valid UTF-8 text; save the task file as UTF-8`);
      }
      start = stop + 1;
    }
    throw new SkillgradError(`${taskFile}: not valid UTF-8 text; save the task file as UTF-8`);
  }
}

/**
 * The real path of an input file or folder, which must be inside the task file's folder once every
 * symlink is resolved; inside a folder, every symlink must stay inside too.
 */
async function confinedSource(realBase: string, baseDir: string, from: string, who: string): Promise<string> {
  const named = resolve(baseDir, from);
  let real: string;
  try {
    real = await realpath(named);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP")
      throw new SkillgradError(`${who}: file "${from}" is a symlink loop; fix or remove the link`);
    throw new SkillgradError(
      `${who}: file "${from}" (${named}) does not exist; paths are relative to the task file`,
    );
  }
  if (!isInside(realBase, real)) {
    throw new SkillgradError(
      `${who}: file "${from}" is outside the task file's folder (it resolves to ${real}); put the file in ${realBase}`,
    );
  }
  const info = await stat(real);
  if (info.isDirectory()) await checkFolder(realBase, real, from.replace(/\/+$/, ""), who, new Set([real]));
  else if (!info.isFile())
    throw new SkillgradError(`${who}: "${from}" is not a regular file or folder; give a file or a folder`);
  return real;
}

/**
 * Every entry under a folder: regular files, folders, and symlinks that resolve inside `realBase`
 * without leading back into a folder being copied (which would copy forever). `shownAs` is the
 * folder's path as the task file names it, for messages.
 */
async function checkFolder(
  realBase: string,
  folder: string,
  shownAs: string,
  who: string,
  open: Set<string>,
  top = shownAs,
): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = join(folder, entry.name);
    const shown = `${shownAs}/${entry.name}`;
    if (entry.isSymbolicLink()) {
      const real = await realpath(full).catch(() => undefined);
      if (!real || !isInside(realBase, real)) {
        throw new SkillgradError(
          `${who}: folder "${top}" holds a symlink ${shown} that leads outside the task file's folder (or nowhere); remove it or copy the file in`,
        );
      }
      if ((await stat(real)).isDirectory()) {
        if (open.has(real))
          throw new SkillgradError(
            `${who}: folder "${top}" holds a symlink ${shown} that loops back into it; remove it`,
          );
        await checkFolder(realBase, real, shown, who, new Set([...open, real]), top);
      }
    } else if (entry.isDirectory()) {
      await checkFolder(realBase, full, shown, who, new Set([...open, full]), top);
    } else if (!entry.isFile()) {
      throw new SkillgradError(`${who}: folder "${top}" holds ${shown}, which is not a regular file`);
    }
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}
