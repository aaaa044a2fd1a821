import type { Skill } from "../../skill/index.js";
import { EXECUTOR_ROLE_LINE, SKILLS_HEADING, TOOL } from "./protocol.js";

/**
 * The system prompt lists the skill by name and description only (progressive disclosure):
 * the agent loads the body with activate_skill and resources with read_skill_file when it needs them.
 */
export function executorSystemPrompt(skill: Skill | undefined, otherSkills: Skill[] = []): string {
  const lines = [
    EXECUTOR_ROLE_LINE,
    "Work step by step: inspect the input files, run commands (Python 3 with openpyxl is available), check your result.",
    `When you are done, call ${TOOL.finish} with your final answer: just the answer, with no explanation.`,
    "Your shell runs in an isolated sandbox with no network; only the workspace folder is writable.",
  ];
  if (skill) {
    lines.push(
      "",
      SKILLS_HEADING,
      ...[skill, ...otherSkills].map(
        (one) => `- ${one.name}: ${one.description.replace(/\s+/g, " ").trim()}`,
      ),
      "",
      `Skills hold instructions for tasks like yours. When a skill listed here fits the task, call ${TOOL.activateSkill}`,
      "with its name before you start working, and follow it. Its body points to further files and says when to",
      `read each: read those that apply to your case with ${TOOL.readSkillFile} before you compute, and skip the others.`,
    );
  }
  return lines.join("\n");
}

/** The line of the task prompt that starts the list of workspace files. */
export const WORKSPACE_FILES_LINE = "\n\nFiles in your workspace:\n";

export function executorTaskPrompt(prompt: string, workspaceFiles: string[]): string {
  const files = workspaceFiles.length > 0 ? workspaceFiles.map((file) => `- ${file}`).join("\n") : "(none)";
  return `${prompt}${WORKSPACE_FILES_LINE}${files}`;
}

/** The line after the body in activate_skill's reply that lists the skill's files. */
export const SKILL_FILES_HEADING = "Files in this skill";

/** What activate_skill returns: the body and the list of files the skill holds. */
export function activationText(skill: Skill): string {
  const files = skill.resources.map((resource) => `- ${resource.path} (${resource.size} bytes)`);
  return [
    `# Skill: ${skill.name}`,
    "",
    skill.body.trim(),
    "",
    files.length > 0
      ? `${SKILL_FILES_HEADING} (read them with ${TOOL.readSkillFile}):\n${files.join("\n")}`
      : "This skill has no other files.",
  ].join("\n");
}
