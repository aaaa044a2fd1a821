import { SKILL_FILES_HEADING } from "../executor/builtin/prompt.js";
import { SKILLS_HEADING, TOOL } from "../executor/builtin/protocol.js";
import { type AgentMove, type AgentSettings, nextMove, type SkillListing } from "./agent/core.js";
import { type Conversation, resultsOf } from "./conversation.js";

/** The simulated executor's next move: call one tool, or finish. */
export type SimAction = { tool: string; input: Record<string, unknown> };

export type SimExecutorSettings = AgentSettings;

/** The skills the built-in agent's system prompt lists under its heading ("- name: description"). */
function listedSkills(system: string): SkillListing[] {
  const after = system.split(SKILLS_HEADING)[1];
  if (!after) return [];
  const skills: SkillListing[] = [];
  for (const line of after.trimStart().split("\n")) {
    const match = /^- ([a-z0-9-]+): (.*)$/.exec(line);
    if (!match) break;
    skills.push({ name: match[1] as string, description: match[2] as string });
  }
  return skills;
}

/** The body of an activation reply, and the files it lists. */
function readActivation(text: string): { body: string; files: string[] } {
  const at = text.indexOf(`\n${SKILL_FILES_HEADING}`);
  const body = at < 0 ? text : text.slice(0, at);
  const files =
    at < 0 ? [] : [...text.slice(at).matchAll(/^- (\S+) \(\d+ bytes\)$/gm)].map((m) => m[1] as string);
  return { body, files };
}

/**
 * The simulated agent (agent/core.ts) in the built-in executor's harness: its tools are
 * activate_skill, read_skill_file, read_file and finish (src/executor/builtin/protocol.ts).
 */
export function simExecutorStep(conversation: Conversation, settings: SimExecutorSettings): SimAction {
  const activations = resultsOf(conversation, TOOL.activateSkill);
  const reads = resultsOf(conversation, TOOL.readFile);
  const move: AgentMove = nextMove(
    {
      taskText: conversation.userText,
      noiseKey: conversation.userText,
      skills: listedSkills(conversation.system),
      activationTried: activations.length > 0,
      ...(activations.length > 0 ? { activation: readActivation(activations[0]?.output ?? "") } : {}),
      ...(reads.length > 0 ? { data: reads[0]?.output ?? "" } : {}),
      opened: resultsOf(conversation, TOOL.readSkillFile).map((done) => ({
        path: String(done.input.path ?? ""),
        text: done.output,
      })),
    },
    settings,
  );
  switch (move.move) {
    case "activate":
      return { tool: TOOL.activateSkill, input: { name: move.skill } };
    case "read-data":
      return { tool: TOOL.readFile, input: { path: move.file } };
    case "read-skill-file":
      return { tool: TOOL.readSkillFile, input: { path: move.path } };
    case "answer":
      return { tool: TOOL.finish, input: { answer: move.text } };
  }
}
