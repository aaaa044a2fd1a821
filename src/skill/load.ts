import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { listPackageFiles, type PackageFile, readPackageFile } from "./files.js";
import { parseFrontmatter, splitSkillFile } from "./frontmatter.js";
import { SkillLoadError } from "./load-error.js";
import { parseSections } from "./sections.js";
import { decodeText, firstInvalidUtf8Offset, lineOfByteOffset } from "./text.js";
import type { Skill, SkillFileName, SkillProblem, SkillResource } from "./types.js";

export interface LoadSkillOptions {
  /** Strict mode reports load-time warnings (such as a skipped symlink) as errors. */
  strict?: boolean;
  /** Largest SKILL.md accepted (default 1 MiB). */
  maxSkillFileBytes?: number;
  /** Largest other file accepted (default 8 MiB). */
  maxFileBytes?: number;
  /** Largest whole package accepted (default 64 MiB). */
  maxTotalBytes?: number;
}

interface LoadLimits {
  maxSkillFileBytes: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

export const LOAD_LIMITS: Readonly<LoadLimits> = {
  maxSkillFileBytes: 1024 * 1024,
  maxFileBytes: 8 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
};

const SKILL_FILE_NAMES: readonly SkillFileName[] = ["SKILL.md", "skill.md"];

/**
 * Loads a skill folder. Returns a Skill even when it breaks specification rules (validateSkill
 * reports those); throws SkillLoadError (a SkillgradError) only when there is nothing sensible to
 * return: missing folder, no SKILL.md, empty or non-UTF-8 SKILL.md, missing or unparsable frontmatter.
 */
export async function loadSkill(dir: string, options: LoadSkillOptions = {}): Promise<Skill> {
  const limits: LoadLimits = {
    maxSkillFileBytes: options.maxSkillFileBytes ?? LOAD_LIMITS.maxSkillFileBytes,
    maxFileBytes: options.maxFileBytes ?? LOAD_LIMITS.maxFileBytes,
    maxTotalBytes: options.maxTotalBytes ?? LOAD_LIMITS.maxTotalBytes,
  };
  const absoluteDir = path.resolve(dir);
  await assertFolder(dir, absoluteDir);

  try {
    return await loadFolder(absoluteDir, dir, options, limits);
  } catch (error) {
    // Errors raised inside the folder name only the file; give them the folder the user named.
    if (error instanceof SkillLoadError && error.dir === undefined) throw error.located(dir);
    throw error;
  }
}

async function loadFolder(
  absoluteDir: string,
  shown: string,
  options: LoadSkillOptions,
  limits: LoadLimits,
): Promise<Skill> {
  const listing = await listPackageFiles(absoluteDir);
  const loadProblems: SkillProblem[] = listing.problems.map((problem) =>
    options.strict ? { ...problem, severity: "error" } : problem,
  );
  const skillFileEntry = await findSkillFile(shown, absoluteDir, listing.files, loadProblems);
  checkSizes(listing.files, skillFileEntry, limits);

  const skillFile = skillFileEntry.path as SkillFileName;
  const source = decodeSkillFile(await readPackageFile(skillFileEntry), skillFile);
  const split = splitSkillFile(source, skillFile);
  const { frontmatter, keyLines } = parseFrontmatter(split.yaml, split.yamlStartLine, skillFile);
  const layout = parseSections(split.body, split.bodyStartLine);

  const resources: SkillResource[] = [];
  for (const file of listing.files) {
    if (file === skillFileEntry) continue;
    resources.push(toResource(file, await readPackageFile(file)));
  }

  return {
    dir: absoluteDir,
    skillFile,
    source,
    frontmatter,
    frontmatterLines: keyLines,
    name: typeof frontmatter.name === "string" ? frontmatter.name : "",
    description: typeof frontmatter.description === "string" ? frontmatter.description : "",
    body: split.body,
    bodyStartLine: split.bodyStartLine,
    preamble: layout.preamble,
    sections: layout.sections,
    resources,
    loadProblems,
  };
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function toResource(file: PackageFile, bytes: Buffer): SkillResource {
  const text = decodeText(bytes);
  const resource: SkillResource = {
    path: file.path,
    size: bytes.length,
    binary: text === undefined,
    sha256: sha256Hex(bytes),
  };
  if (text !== undefined) resource.text = text;
  return resource;
}

async function assertFolder(shown: string, absoluteDir: string): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(absoluteDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new SkillLoadError(
        "not-found",
        "no such folder; pass the path of a skill folder (the folder that contains SKILL.md)",
        { dir: shown, cause: error },
      );
    }
    if (code === "ELOOP") {
      throw new SkillLoadError(
        "symlink-loop",
        "is a symlink loop (it leads back to itself); pass the real skill folder",
        { dir: shown, cause: error },
      );
    }
    if (code === "EACCES" || code === "EPERM") {
      throw new SkillLoadError("unreadable", "cannot be read (permission denied); check its permissions", {
        dir: shown,
        cause: error,
      });
    }
    throw error;
  }
  if (!info.isDirectory()) {
    const base = path.basename(absoluteDir);
    const hint = SKILL_FILE_NAMES.includes(base as SkillFileName)
      ? `pass the folder that contains it: ${path.dirname(shown)}`
      : "pass the skill folder (the folder that contains SKILL.md)";
    throw new SkillLoadError("not-a-folder", `not a folder (it is a file); ${hint}`, { dir: shown });
  }
}

async function findSkillFile(
  shown: string,
  absoluteDir: string,
  files: PackageFile[],
  loadProblems: SkillProblem[],
): Promise<PackageFile> {
  const candidates = SKILL_FILE_NAMES.map((name) => files.find((file) => file.path === name)).filter(
    (file): file is PackageFile => file !== undefined,
  );
  const chosen = candidates[0];
  if (!chosen) {
    const nested = await skillFoldersBelow(absoluteDir);
    const hint =
      nested.length > 0
        ? `it has skill folders inside; pass one of them, e.g. ${path.join(shown, nested[0] as string)}`
        : "create a SKILL.md with name and description frontmatter, or pass the right folder";
    throw new SkillLoadError("no-skill-file", `no SKILL.md in this folder; ${hint}`, { dir: shown });
  }
  if (candidates.length > 1) {
    loadProblems.push({
      severity: "warning",
      code: "two-skill-files",
      message:
        "both SKILL.md and skill.md exist; SKILL.md is used and skill.md is treated as a resource (remove one)",
      file: "skill.md",
    });
  }
  return chosen;
}

async function skillFoldersBelow(absoluteDir: string): Promise<string[]> {
  const entries = await readdir(absoluteDir, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const inner = await readdir(path.join(absoluteDir, entry.name));
    if (inner.some((name) => SKILL_FILE_NAMES.includes(name as SkillFileName))) found.push(entry.name);
  }
  return found.sort();
}

function checkSizes(files: PackageFile[], skillFile: PackageFile, limits: LoadLimits): void {
  if (skillFile.size > limits.maxSkillFileBytes) {
    throw new SkillLoadError(
      "file-too-large",
      `${formatBytes(skillFile.size)}, over the ${formatBytes(limits.maxSkillFileBytes)} limit; keep SKILL.md short and move detail into references/`,
      { file: skillFile.path },
    );
  }
  let total = 0;
  for (const file of files) {
    total += file.size;
    if (file.size > limits.maxFileBytes) {
      throw new SkillLoadError(
        "file-too-large",
        `${formatBytes(file.size)}, over the ${formatBytes(limits.maxFileBytes)} limit for a file in a skill; remove it or make it smaller`,
        { file: file.path },
      );
    }
  }
  if (total > limits.maxTotalBytes) {
    throw new SkillLoadError(
      "package-too-large",
      `the skill's files add up to ${formatBytes(total)}, over the ${formatBytes(limits.maxTotalBytes)} limit; remove large files from the skill folder`,
    );
  }
}

function decodeSkillFile(bytes: Buffer, file: SkillFileName): string {
  if (bytes.toString("utf8").trim() === "") {
    throw new SkillLoadError(
      "empty-skill-file",
      `the file is empty; write frontmatter ("---", "name: …", "description: …", "---") and instructions into it`,
      { file },
    );
  }
  const invalid = firstInvalidUtf8Offset(bytes);
  if (invalid >= 0) {
    const line = lineOfByteOffset(bytes, invalid);
    throw new SkillLoadError(
      "not-utf8",
      `the file is not valid UTF-8 (byte 0x${(bytes[invalid] as number).toString(16)}); save it as UTF-8`,
      { file, line },
    );
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const line = lineOfByteOffset(bytes, nul);
    throw new SkillLoadError(
      "binary-skill-file",
      `the file contains a NUL byte, so it is not text; save SKILL.md as plain UTF-8 text`,
      { file, line },
    );
  }
  const text = decodeText(bytes);
  if (text === undefined) throw new Error("unreachable: validated UTF-8 did not decode");
  return text;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${trimNumber(bytes / 1024)} KiB`;
  return `${trimNumber(bytes / (1024 * 1024))} MiB`;
}

function trimNumber(value: number): string {
  return value >= 10 ? value.toFixed(0) : value.toFixed(1).replace(/\.0$/, "");
}
