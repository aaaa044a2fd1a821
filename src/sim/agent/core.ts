import { hashUnit } from "../../util/random.js";
import { answerQuestion, parseQuestion } from "../library/question.js";
import { tableOf } from "../library/read.js";
import { effectiveRules, parseRules } from "../library/rules.js";
import { rulesForTable } from "../library/search.js";
import { conditionHolds, contentWords, pointersIn } from "../reading.js";
import { chooseSkill as relevanceChoice } from "../relevance.js";

/**
 * The simulated agent's decisions, independent of the harness it runs in (the built-in agent's
 * tools, Claude Code's, Codex's): adapters read their harness's conversation into an AgentView
 * and carry out the AgentMove it returns with their harness's tools. A simulation, not a model.
 */

export interface SkillListing {
  name: string;
  description: string;
}

export interface AgentView {
  /** The task as the user gave it: the question and the data file's name are read from it. */
  taskText: string;
  /** Text that seeds the agent's noise for this task. */
  noiseKey: string;
  /** The skills the harness lists (name and description). */
  skills: SkillListing[];
  /** What activating a skill showed: its body, and its files when the harness lists them. */
  activation?: { body: string; files?: string[] };
  /** Whether activation was tried (a failed one is not tried again). */
  activationTried: boolean;
  /** What reading the data file gave (undefined: not read yet). */
  data?: string;
  /** Skill files asked for (paths relative to the skill), with what came back, in order. */
  opened: Array<{ path: string; text: string }>;
}

export type AgentMove =
  | { move: "activate"; skill: string }
  | { move: "read-data"; file: string }
  | { move: "read-skill-file"; path: string }
  | { move: "answer"; text: string };

export interface AgentSettings {
  noise: number;
  seed: number;
  /** The call's own seed (the executor passes the rollout number), so repeats can differ. */
  callSeed: number;
}

export const NO_ANSWER = "I could not work out this task.";

/**
 * The skill to activate, if any: the sim's relevance rule (../relevance.ts) over the task's
 * statement — its first paragraph (what a harness adds after it — file lists, how to answer — says
 * nothing of the topic) — and the descriptions of every skill the harness lists. The same rule in
 * every harness; it never sees anything but the task and the descriptions.
 */
export function chooseSkill(
  skills: SkillListing[],
  taskText: string,
  settings: AgentSettings,
): string | undefined {
  const statement = taskText.trim().split(/\n\s*\n/)[0] ?? "";
  return relevanceChoice(statement, skills, settings).chosen;
}

/**
 * Plays an agent on a sim-world task: activate the chosen skill, read the data file, open the
 * references whose pointers say to for this task, then answer the question by the rules the skill
 * text it read states (src/sim/library/rules.ts) — and by nothing else. Seeded noise makes it skip
 * a reference whose pointer does not say when to read it, and sometimes forget one rule.
 */
export function nextMove(view: AgentView, settings: AgentSettings): AgentMove {
  // the rule's noise is drawn from the task and the rollout: every call of a run chooses the same
  const skillName = chooseSkill(view.skills, view.taskText, settings);
  if (skillName && !view.activationTried) return { move: "activate", skill: skillName };

  const fileName = /\b[\w-]+\.csv\b/.exec(view.taskText)?.[0];
  const question = parseQuestion(view.taskText);
  if (!fileName || !question) return { move: "answer", text: NO_ANSWER };
  if (view.data === undefined) return { move: "read-data", file: fileName };
  const table = tableOf(view.data);

  let seen = "";
  if (skillName && view.activation) {
    const activation = view.activation;
    const taskWords = contentWords(`${view.taskText}\n${table.header.join(" ")}`);
    const wanted = pointersIn(activation.body).filter((pointer) => {
      if (activation.files && !activation.files.includes(pointer.path)) return false;
      if (pointer.condition || pointer.always) return conditionHolds(pointer, taskWords);
      const draw = hashUnit("sim-skip", settings.seed, settings.callSeed, view.noiseKey, pointer.path);
      return draw >= settings.noise;
    });
    const next = wanted.find((pointer) => !view.opened.some((done) => done.path === pointer.path));
    if (next) return { move: "read-skill-file", path: next.path };
    seen = [activation.body, ...view.opened.map((done) => done.text)].join("\n");
  }

  let rules = effectiveRules(parseRules(seen));
  const applicable = rulesForTable(table, rules);
  const slip = hashUnit("sim-slip", settings.seed, settings.callSeed, view.noiseKey, view.data, seen);
  if (slip < settings.noise && applicable.length > 0) {
    const forgotten = applicable[Math.floor((slip / settings.noise) * applicable.length)];
    rules = rules.filter((rule) => rule !== forgotten);
  }
  return { move: "answer", text: answerQuestion(question, table, rules) ?? NO_ANSWER };
}
