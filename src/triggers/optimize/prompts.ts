import type { QueryOutcome } from "../types.js";
import type { RejectedDescription, TriggerDiagnosis } from "./records.js";

export interface ListedDescription {
  name: string;
  description: string;
}

const json = (value: unknown) => `\`\`\`json\n${JSON.stringify(value, null, 1)}\n\`\`\``;

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

function skillBlock(skill: ListedDescription): string {
  return `name: ${skill.name}\ndescription: ${oneLine(skill.description)}`;
}

function competitorsBlock(competitors: ListedDescription[]): string {
  return competitors.map((c) => `- ${c.name}: ${oneLine(c.description)}`).join("\n") || "(none)";
}

/** A query as the diagnoser sees it: the request, its trigger rate, and what was loaded instead. */
function shown(outcome: QueryOutcome) {
  return {
    id: outcome.id,
    query: outcome.query,
    shouldTrigger: outcome.shouldTrigger,
    triggerRate: outcome.rate,
    ...(Object.keys(outcome.others).length > 0 ? { loadedInstead: outcome.others } : {}),
    ...(outcome.note ? { note: outcome.note } : {}),
  };
}

/** The trigger diagnoser's user message: the skill, its competition, and the training queries by outcome. */
export function diagnosisPrompt(
  skill: ListedDescription,
  competitors: ListedDescription[],
  outcomes: QueryOutcome[],
): string {
  const missed = outcomes.filter((q) => q.wrong && q.shouldTrigger).map(shown);
  const falseTriggers = outcomes.filter((q) => q.wrong && !q.shouldTrigger).map(shown);
  const correct = outcomes.filter((q) => !q.wrong).map(shown);
  return [
    `## Skill under study\n\n${skillBlock(skill)}`,
    `## Competing skills\n\n${competitorsBlock(competitors)}`,
    `## Missed requests (should load the skill, did not)\n\n${json(missed)}`,
    `## False triggers (loaded the skill, should not have)\n\n${json(falseTriggers)}`,
    `## Handled correctly\n\n${json(correct)}`,
  ].join("\n\n");
}

/** The description editor's user message. */
export function patchPrompt(
  skill: ListedDescription,
  competitors: ListedDescription[],
  diagnosis: TriggerDiagnosis,
  rejected: RejectedDescription[],
): string {
  return [
    `## Skill under study\n\n${skillBlock(skill)}`,
    `## Competing skills\n\n${competitorsBlock(competitors)}`,
    `## Diagnosis\n\n${json(diagnosis)}`,
    `## Tried before and did worse\n\n${json(rejected.map((r) => ({ description: r.description, heldoutF1: r.heldoutF1 })))}`,
  ].join("\n\n");
}
