import { parseCsv } from "../benchmarks/sim/csv.js";
import { familyOfPrompt, statesRule } from "../benchmarks/sim/families.js";
import { SKILLS_HEADING, TOOL } from "../executor/protocol.js";
import { hashUnit } from "../util/random.js";
import { type Conversation, resultsOf } from "./conversation.js";

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

/** Skill files whose pointer line in the body mentions one of the task's topics. */
function referencesToRead(activation: string, topics: string[]): string[] {
  const wanted = new Set<string>();
  for (const line of activation.split("\n")) {
    if (line.startsWith("- ")) continue; // the file list at the end, not a pointer from the body
    const lower = line.toLowerCase();
    if (!topics.some((topic) => lower.includes(topic))) continue;
    for (const match of line.matchAll(/references\/[\w./-]+\.md/g)) wanted.add(match[0]);
  }
  return [...wanted];
}

/**
 * Plays an agent on a sim-world task the way a diligent model would: activate the listed skill,
 * open the references whose pointers match the task, read the data file, answer. The answer follows
 * the family's rule only when the skill text seen states it; seeded noise flips that sometimes.
 */
export function simExecutorStep(conversation: Conversation, settings: SimExecutorSettings): SimAction {
  const family = familyOfPrompt(conversation.userText);
  if (!family) return { tool: TOOL.finish, input: { answer: "I could not work out this task." } };

  let seenSkillText = "";
  const skillName = listedSkill(conversation.system);
  if (skillName) {
    const activations = resultsOf(conversation, TOOL.activateSkill);
    if (activations.length === 0) return { tool: TOOL.activateSkill, input: { name: skillName } };
    const activation = activations[0]?.output ?? "";
    const read = resultsOf(conversation, TOOL.readSkillFile);
    const unread = referencesToRead(activation, family.topics).filter(
      (path) => !read.some((done) => done.input.path === path),
    );
    if (unread[0]) return { tool: TOOL.readSkillFile, input: { path: unread[0] } };
    seenSkillText = [activation, ...read.map((done) => done.output)].join("\n");
  }

  const fileName = /\b[\w-]+\.csv\b/.exec(conversation.userText)?.[0] ?? "data.csv";
  const reads = resultsOf(conversation, TOOL.readFile);
  if (reads.length === 0) return { tool: TOOL.readFile, input: { path: fileName } };

  const data = reads[0]?.output ?? "";
  let knowsRule = statesRule(family, seenSkillText);
  const draw = hashUnit(
    "sim-noise",
    settings.seed,
    settings.callSeed,
    conversation.userText,
    data,
    seenSkillText,
  );
  if (draw < settings.noise) knowsRule = !knowsRule;
  const rows = parseCsv(data);
  return { tool: TOOL.finish, input: { answer: family.answer(rows, conversation.userText, knowsRule) } };
}
