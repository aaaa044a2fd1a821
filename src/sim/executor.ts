import { SKILL_FILES_HEADING, WORKSPACE_FILES_LINE } from "../executor/builtin/prompt.js";
import { SKILLS_HEADING, TOOL } from "../executor/builtin/protocol.js";
import { hashUnit } from "../util/random.js";
import { type Conversation, resultsOf } from "./conversation.js";
import { answerQuestion, parseQuestion } from "./library/question.js";
import { tableOf } from "./library/read.js";
import { effectiveRules, parseRules } from "./library/rules.js";
import { rulesForTable } from "./library/search.js";
import { conditionHolds, contentWords, pointersIn } from "./reading.js";
import { chooseSkill, type ListedSkill } from "./relevance.js";

/** The simulated executor's next move: call one tool, or finish. */
export type SimAction = { tool: string; input: Record<string, unknown> };

export interface SimExecutorSettings {
  noise: number;
  seed: number;
  /** The call's own seed (the executor passes the rollout number), so repeats can differ. */
  callSeed: number;
}

/** The skills the system prompt lists: `- <name>: <description>` lines under the heading, up to a blank line. */
export function listedSkills(system: string): ListedSkill[] {
  const after = system.split(SKILLS_HEADING)[1];
  if (!after) return [];
  const skills: ListedSkill[] = [];
  for (const line of after.trimStart().split("\n")) {
    const entry = /^- ([a-z0-9-]+): ?(.*)$/.exec(line);
    if (!entry) break;
    skills.push({ name: entry[1] as string, description: entry[2] ?? "" });
  }
  return skills;
}

/** The user's request as the agent weighs it against the skills: the task text, without the file list. */
function requestOf(userText: string): string {
  const at = userText.indexOf(WORKSPACE_FILES_LINE);
  return at < 0 ? userText : userText.slice(0, at);
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
 * Plays an agent on a sim-world task (a simulation): activate the listed skill that the relevance rule
 * (relevance.ts) picks for the request, if any, read the data file,
 * open the references whose pointers say to for this task, then answer the question by the rules
 * the skill text it read states (src/sim/library/rules.ts) — and by nothing else. Seeded noise makes
 * it skip a reference whose pointer does not say when to read it, and sometimes forget one rule.
 */
export function simExecutorStep(conversation: Conversation, settings: SimExecutorSettings): SimAction {
  const activations = resultsOf(conversation, TOOL.activateSkill);
  const skillName =
    activations.length > 0
      ? String(activations[0]?.input.name ?? "")
      : chooseSkill(requestOf(conversation.userText), listedSkills(conversation.system), settings).chosen;
  if (skillName && activations.length === 0) return { tool: TOOL.activateSkill, input: { name: skillName } };

  const fileName = /\b[\w-]+\.csv\b/.exec(conversation.userText)?.[0];
  const question = parseQuestion(conversation.userText);
  if (!fileName || !question)
    return { tool: TOOL.finish, input: { answer: "I could not work out this task." } };
  const reads = resultsOf(conversation, TOOL.readFile);
  if (reads.length === 0) return { tool: TOOL.readFile, input: { path: fileName } };
  const data = reads[0]?.output ?? "";
  const table = tableOf(data);

  let seen = "";
  if (skillName) {
    const activation = readActivation(activations[0]?.output ?? "");
    const taskWords = contentWords(`${conversation.userText}\n${table.header.join(" ")}`);
    const opened = resultsOf(conversation, TOOL.readSkillFile);
    const wanted = pointersIn(activation.body).filter((pointer) => {
      if (!activation.files.includes(pointer.path)) return false;
      if (pointer.condition || pointer.always) return conditionHolds(pointer, taskWords);
      const draw = hashUnit(
        "sim-skip",
        settings.seed,
        settings.callSeed,
        conversation.userText,
        pointer.path,
      );
      return draw >= settings.noise;
    });
    const next = wanted.find((pointer) => !opened.some((done) => done.input.path === pointer.path));
    if (next) return { tool: TOOL.readSkillFile, input: { path: next.path } };
    seen = [activation.body, ...opened.map((done) => done.output)].join("\n");
  }

  let rules = effectiveRules(parseRules(seen));
  const applicable = rulesForTable(table, rules);
  const slip = hashUnit("sim-slip", settings.seed, settings.callSeed, conversation.userText, data, seen);
  if (slip < settings.noise && applicable.length > 0) {
    const forgotten = applicable[Math.floor((slip / settings.noise) * applicable.length)];
    rules = rules.filter((rule) => rule !== forgotten);
  }
  const answer = answerQuestion(question, table, rules) ?? "I could not work out this task.";
  return { tool: TOOL.finish, input: { answer } };
}
