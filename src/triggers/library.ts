import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { SkillgradError } from "../errors.js";
import { loadSkill, type Skill, validateSkill } from "../skill/index.js";
import { examplePath } from "../util/package-paths.js";

/** The small library of plausible skills shipped in examples/ (the default distractors). */
export function defaultLibraryDir(): string {
  return examplePath("skill-library");
}

/**
 * The competing skills: every folder of `dir` that holds a SKILL.md, loaded and validated, sorted by
 * name. A library skill with the evaluated skill's name is left out (it would be the same skill twice).
 */
export async function loadLibrary(dir: string, except: string): Promise<Skill[]> {
  if (!existsSync(dir))
    throw new SkillgradError(`no skill library at ${dir}: pass a folder of skill folders to --library`);
  const entries = await readdir(dir, { withFileTypes: true });
  const skills: Skill[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const folder = join(dir, entry.name);
    if (!existsSync(join(folder, "SKILL.md")) && !existsSync(join(folder, "skill.md"))) continue;
    const skill = await loadSkill(folder);
    const errors = validateSkill(skill, { strict: false }).filter((p) => p.severity === "error");
    if (errors.length > 0)
      throw new SkillgradError(
        `the library skill ${folder} does not validate (${errors[0]?.message}); fix it or remove it from --library`,
      );
    if (skill.name !== except) skills.push(skill);
  }
  return skills;
}
