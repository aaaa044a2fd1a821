import { SKILL_FILES_HEADING } from "../executor/builtin/prompt.js";
import { SKILLS_HEADING, TOOL } from "../executor/builtin/protocol.js";
import { hashUnit } from "../util/random.js";
import { type Conversation, resultsOf } from "./conversation.js";
import { answerQuestion, parseQuestion } from "./library/question.js";
import { tableOf } from "./library/read.js";
import { effectiveRules, parseRules } from "./library/rules.js";
import { rulesForTable } from "./library/search.js";
import { conditionHolds, contentWords, pointersIn } from "./reading.js";

/** The simulated executor's next move: call one tool, or finish. */
export type SimAction = { tool: string; input: Record<string, unknown> };

export interface SimExecutorSettings {
  noise: number;
  seed: number;
  /** The call's own seed (the executor passes the rollout number), so repeats can differ. */
  callSeed: number;
}

function listedSkill(system: string): string | undefined {
  const after = system.split(SKILLS_HEADING)[1];
  return after ? /^- ([a-z0-9-]+):/m.exec(after.trimStart())?.[1] : undefined;
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
 * Plays an agent on a sim-world task (a simulation): activate the listed skill, read the data file,
 * open the references whose pointers say to for this task, then answer the question by the rules
 * the skill text it read states (src/sim/library/rules.ts) — and by nothing else. Seeded noise makes
 * it skip a reference whose pointer does not say when to read it, and sometimes forget one rule.
 */
export function simExecutorStep(conversation: Conversation, settings: SimExecutorSettings): SimAction {
  const skillName = listedSkill(conversation.system);
  const activations = resultsOf(conversation, TOOL.activateSkill);
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
