import { tool, zodSchema } from "ai";
import { z } from "zod";
import type { Skill } from "../../skill/index.js";

/** The tool names every role shares (the sim model and the tests name them too). */
export const ROLE_TOOL = {
  listSkillFiles: "list_skill_files",
  readSkillFile: "read_skill_file",
  readTrajectory: "read_trajectory",
  readGraderOutput: "read_grader_output",
  listWorkspaceFiles: "list_workspace_files",
  readWorkspaceFile: "read_workspace_file",
  applyEdit: "apply_edit",
  checkSkill: "check_skill",
  submitDiagnosis: "submit_diagnosis",
  submitMomentum: "submit_momentum",
  submitPatch: "submit_patch",
} as const;

const MAX_FILE_CHARS = 40_000;

export function skillFileList(skill: Skill): string {
  const files = [
    `${skill.skillFile} (${Buffer.byteLength(skill.source)} bytes)`,
    ...skill.resources.map((r) => `${r.path} (${r.size} bytes${r.binary ? ", binary" : ""})`),
  ];
  return files.join("\n");
}

/** A skill file's whole text (SKILL.md with its frontmatter), or why it cannot be shown. */
export function skillFileText(skill: Skill, path: string): string {
  const wanted = path.replace(/^\.\//, "");
  if (wanted === skill.skillFile || wanted.toLowerCase() === "skill.md") return skill.source;
  const resource = skill.resources.find((r) => r.path === wanted);
  if (!resource) return `error: the skill has no file ${path}; call ${ROLE_TOOL.listSkillFiles}`;
  if (resource.binary || resource.text === undefined)
    return `${path} is a binary file (${resource.size} bytes)`;
  return resource.text.length > MAX_FILE_CHARS
    ? `${resource.text.slice(0, MAX_FILE_CHARS)}\n[… ${resource.text.length - MAX_FILE_CHARS} more characters]`
    : resource.text;
}

/**
 * list_skill_files and read_skill_file over a skill. `current` is called on every use, so a patcher
 * reads its working copy as its edits leave it; `onRead` learns which files were read.
 */
export function skillTools(current: () => Promise<Skill> | Skill, onRead?: (path: string) => void) {
  return {
    [ROLE_TOOL.listSkillFiles]: tool({
      description: "List every file of the skill (SKILL.md and its references, scripts, assets) with sizes.",
      inputSchema: zodSchema(z.object({})),
      execute: async () => skillFileList(await current()),
    }),
    [ROLE_TOOL.readSkillFile]: tool({
      description: "Read one file of the skill whole, e.g. SKILL.md or references/dates.md.",
      inputSchema: zodSchema(z.object({ path: z.string().min(1) })),
      execute: async ({ path }) => {
        const skill = await current();
        const textOf = skillFileText(skill, path);
        if (!textOf.startsWith("error:"))
          onRead?.(path.toLowerCase() === "skill.md" ? skill.skillFile : path);
        return textOf;
      },
    }),
  };
}
