import { hashUnit } from "../util/random.js";

/**
 * The sim's relevance rule: how the simulated agent decides which listed skill, if any, to activate
 * for a request (a simulation of an agent reading its list of skills). One generic rule over the
 * request and the descriptions it is shown, and nothing else — it never sees which skill "should"
 * trigger:
 *
 * 1. Words: lower case, split on anything but letters and digits, stop words and words under three
 *    letters dropped, plurals folded ("rows" → "row", "entries" → "entry", "boxes" → "box").
 * 2. Each request word that a description contains scores 1 / d for that skill, where d is how many
 *    of the listed descriptions contain it: a word every skill claims tells them apart less.
 * 3. A description is read as a whole: with more than 30 content words, its score is scaled by
 *    30 / (its number of content words), as an agent skimming a long list of claims gives each one
 *    less weight — stuffing a description with request words does not buy activations.
 * 4. Seeded noise: each skill's score moves by up to ±2·noise, drawn from the sim's seed, the call's
 *    seed (the rollout), the request and the skill's name, so repeats can differ and runs repeat.
 * 5. The skill with the highest score is activated when it reaches 1 (one word no other skill
 *    claims, or two shared ones); otherwise none is, and the agent works without a skill. An exact
 *    tie goes by a seeded draw, never by the order in which the skills are listed.
 *
 * So a description that claims the words of neighbouring requests wins them (it loses precision), and
 * one too vague to share words with the requests it is meant for is passed over (it loses recall).
 */

export interface ListedSkill {
  name: string;
  description: string;
}

export interface RelevanceSettings {
  noise: number;
  seed: number;
  /** The call's seed (the rollout number): repeats draw their noise independently. */
  callSeed: number;
}

export interface RelevanceScore {
  name: string;
  /** The rule's score before noise. */
  score: number;
  /** After noise: what the choice compares. */
  noisy: number;
}

export interface SkillChoice {
  /** The skill the agent activates; undefined: none reaches the threshold. */
  chosen?: string;
  scores: RelevanceScore[];
}

/** The score the best skill must reach to be activated. */
export const ACTIVATION_THRESHOLD = 1;

/** Content words a description may have before each of them weighs less. */
export const FOCUS_WORDS = 30;

const STOP_WORDS = new Set(
  (
    "the and for with that this these those from into onto over under about above below than then " +
    "you your yours our ours their theirs his her its they them what which who whom whose when where " +
    "why how there here are was were been being have has had having does did doing will would shall " +
    "should can could may might must not nor but yet also just only very too more most less least " +
    "some any all each every both either neither other others another such same own one two three " +
    "use used using uses want wants need needs please help helps make makes made get gets got give " +
    "gives let lets like able via per etc thing things something anything everything way ways "
  )
    .trim()
    .split(/\s+/),
);

/** Folds a plural onto its singular; other words stay as they are. */
function singular(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(?:ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The content words of a text, as the rule compares them. */
export function relevanceWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const token of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    if (token.length < 3 || STOP_WORDS.has(token) || /^\d+$/.test(token)) continue;
    words.add(singular(token));
  }
  return words;
}

/** Scores every listed skill for a request and picks the one to activate, by the rule above. */
export function chooseSkill(
  request: string,
  skills: ListedSkill[],
  settings: RelevanceSettings,
): SkillChoice {
  const asked = relevanceWords(request);
  const described = skills.map((skill) => relevanceWords(skill.description));
  const claims = new Map<string, number>();
  for (const words of described) for (const word of words) claims.set(word, (claims.get(word) ?? 0) + 1);
  const scores = skills.map((skill, index): RelevanceScore => {
    const words = described[index] ?? new Set<string>();
    let score = 0;
    for (const word of asked) {
      if (words.has(word)) score += 1 / (claims.get(word) ?? 1);
    }
    score *= FOCUS_WORDS / Math.max(FOCUS_WORDS, words.size);
    const draw = hashUnit("sim-relevance", settings.seed, settings.callSeed, request, skill.name);
    return { name: skill.name, score, noisy: score + settings.noise * 2 * (2 * draw - 1) };
  });
  // an exact tie goes by a seeded draw per skill, not by the order of the list
  const tieBreak = (name: string) => hashUnit("sim-relevance-tie", settings.seed, request, name);
  let best: RelevanceScore | undefined;
  for (const entry of scores) {
    if (
      !best ||
      entry.noisy > best.noisy ||
      (entry.noisy === best.noisy && tieBreak(entry.name) > tieBreak(best.name))
    )
      best = entry;
  }
  return best && best.noisy >= ACTIVATION_THRESHOLD ? { chosen: best.name, scores } : { scores };
}
