/**
 * The executor's contract with the model: tool names and the markers of its system prompt.
 * The sim model reads the same contract, so both sides change together.
 */
export const TOOL = {
  activateSkill: "activate_skill",
  readSkillFile: "read_skill_file",
  runShell: "run_shell",
  readFile: "read_file",
  writeFile: "write_file",
  listFiles: "list_files",
  finish: "finish",
} as const;

/** Heading of the system prompt's list of skills; each line below it is `- <name>: <description>`. */
export const SKILLS_HEADING = "Available skills:";

/** The first line of every executor system prompt: how the sim model knows it is playing the executor. */
export const EXECUTOR_ROLE_LINE = "You are an agent that completes tasks in a workspace folder using tools.";
