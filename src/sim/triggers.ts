import type { DescriptionReply, TriggerDiagnosis } from "../triggers/optimize/records.js";
import { jsonBlocks, promptSections } from "./prompt-reading.js";
import { relevanceWords } from "./relevance.js";

/**
 * The sim's trigger diagnoser and description editor (a simulation). Each works from its prompt alone
 * — the descriptions and the training requests with their labels and trigger rates — by word counts:
 * - the diagnoser proposes to claim the words that recur in missed requests (two or more of them)
 *   and occur more often in should-trigger requests than in should-not ones, and to cede the words
 *   of the description that false triggers use and that occur more often in should-not requests;
 * - the editor drops the words to cede from the description and adds the words to claim in one
 *   closing sentence ("Use it for requests about …"), within 1024 characters, never repeating a
 *   description that was tried before.
 * Neither knows the held-out requests, the relevance rule's threshold, or which requests are which
 * beyond what the prompt shows.
 */

interface ShownQuery {
  id: string;
  query: string;
  shouldTrigger: boolean;
}

const CLAIM_LIMIT = 8;
const ADD_CLAUSE = /\s*Use it for requests about ([^.]*)\./;

function descriptionIn(block: string | undefined): string {
  return /^description: (.*)$/m.exec(block ?? "")?.[1]?.trim() ?? "";
}

function competitorsIn(block: string | undefined): Array<{ name: string; words: Set<string> }> {
  return [...(block ?? "").matchAll(/^- ([a-z0-9-]+): (.*)$/gm)].map((match) => ({
    name: match[1] as string,
    words: relevanceWords(match[2] ?? ""),
  }));
}

function queriesIn(block: string | undefined): ShownQuery[] {
  const value = jsonBlocks(block ?? "")[0];
  return Array.isArray(value) ? (value as ShownQuery[]) : [];
}

const inHowMany = (queries: ShownQuery[], word: string) =>
  queries.filter((query) => relevanceWords(query.query).has(word)).length;

export function simTriggerDiagnosis(user: string): TriggerDiagnosis {
  const sections = promptSections(user, [
    "Skill under study",
    "Competing skills",
    "Missed requests",
    "False triggers",
    "Handled correctly",
  ]);
  const described = relevanceWords(descriptionIn(sections.get("Skill under study")?.body));
  const competitors = competitorsIn(sections.get("Competing skills")?.body);
  const missed = queriesIn(sections.get("Missed requests")?.body);
  const falseTriggers = queriesIn(sections.get("False triggers")?.body);
  const correct = queriesIn(sections.get("Handled correctly")?.body);
  const positives = [...missed, ...correct.filter((q) => q.shouldTrigger)];
  const negatives = [...falseTriggers, ...correct.filter((q) => !q.shouldTrigger)];

  const counts = new Map<string, number>();
  for (const query of missed)
    for (const word of relevanceWords(query.query)) counts.set(word, (counts.get(word) ?? 0) + 1);
  const claim = [...counts]
    .filter(([word, n]) => n >= 2 && !described.has(word))
    .filter(([word]) => inHowMany(positives, word) > inHowMany(negatives, word))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, CLAIM_LIMIT)
    .map(([word]) => word);

  const cede = [...described]
    .filter((word) => inHowMany(falseTriggers, word) > 0)
    .filter((word) => inHowMany(negatives, word) > inHowMany(positives, word))
    .sort();

  const diagnosis: TriggerDiagnosis = { missed: [], falseTriggers: [], summary: "" };
  if (claim.length > 0) {
    const ids = missed
      .filter((q) => claim.some((word) => relevanceWords(q.query).has(word)))
      .map((q) => q.id);
    diagnosis.missed.push({
      label: "Requests using unclaimed words",
      queries: ids,
      why: `The description contains none of these words, which recur in the missed requests: ${claim.join(", ")}.`,
      claim: `Requests that use ${claim.join(", ")}.`,
      words: claim,
    });
  }
  if (cede.length > 0) {
    const ids = falseTriggers
      .filter((q) => cede.some((word) => relevanceWords(q.query).has(word)))
      .map((q) => q.id);
    const pulled = ids.flatMap((id) => falseTriggers.filter((q) => q.id === id));
    const overlap = (words: Set<string>) =>
      pulled.reduce((sum, q) => sum + [...relevanceWords(q.query)].filter((w) => words.has(w)).length, 0);
    const rival = [...competitors].sort((a, b) => overlap(b.words) - overlap(a.words))[0];
    diagnosis.falseTriggers.push({
      label: "Requests pulled in by shared words",
      queries: ids,
      why: `The description uses ${cede.join(", ")}, which the false triggers use more than the requests the skill serves.`,
      competitor: rival && overlap(rival.words) > 0 ? rival.name : "none",
      cede: `Requests that use ${cede.join(", ")}.`,
      words: cede,
    });
  }
  diagnosis.summary =
    claim.length + cede.length === 0
      ? "No word recurs in the missed requests or pulls in the false triggers; nothing general to change."
      : `Claim ${claim.length} word(s) the missed requests share; cede ${cede.length} word(s) that pull in false triggers.`;
  return diagnosis;
}

function forms(word: string): string[] {
  return [word, `${word}s`, `${word}es`, ...(word.endsWith("y") ? [`${word.slice(0, -1)}ies`] : [])];
}

function withoutWord(text: string, word: string): string {
  const pattern = new RegExp(`\\b(?:${forms(word).join("|")})\\b`, "gi");
  return text
    .replace(pattern, "")
    .replace(/\(\s*[,;]?\s*\)/g, "")
    .replace(/([,;])\s*(?=[,;.)])/g, "")
    .replace(/\(\s*[,;]\s*/g, "(")
    .replace(/\s{2,}/g, " ")
    .replace(/\s+([,;.)])/g, "$1")
    .trim();
}

export function simDescriptionPatch(user: string): DescriptionReply {
  const sections = promptSections(user, [
    "Skill under study",
    "Competing skills",
    "Diagnosis",
    "Tried before and did worse",
  ]);
  const current = descriptionIn(sections.get("Skill under study")?.body);
  const diagnosis = jsonBlocks(sections.get("Diagnosis")?.body ?? "")[0] as TriggerDiagnosis;
  const tried = new Set(
    (
      (jsonBlocks(sections.get("Tried before and did worse")?.body ?? "")[0] ?? []) as Array<{
        description: string;
      }>
    ).map((entry) => entry.description),
  );
  const normalize = (words: string[]) => words.flatMap((word) => [...relevanceWords(word)]);
  const cede = [...new Set(diagnosis.falseTriggers.flatMap((group) => normalize(group.words)))];
  const claim = [...new Set(diagnosis.missed.flatMap((group) => normalize(group.words)))].filter(
    (word) => !cede.includes(word),
  );

  const clause = ADD_CLAUSE.exec(current);
  const claimedBefore = clause ? (clause[1] ?? "").split(/,\s*/).filter(Boolean) : [];
  let base = current.replace(ADD_CLAUSE, "").trim();
  for (const word of cede) base = withoutWord(base, word);
  const kept = claimedBefore.filter((word) => !cede.includes(word));
  const added = claim.filter((word) => !kept.includes(word) && !relevanceWords(base).has(word));
  const build = (extra: string[]) => {
    const words = [...kept, ...extra];
    const tail = words.length > 0 ? `Use it for requests about ${words.join(", ")}.` : "";
    return [base, tail].filter(Boolean).join(" ");
  };
  let count = added.length;
  let description = build(added);
  // within the limit, and never a description that was tried and did worse
  while (count > 0 && (description.length > 1024 || tried.has(description))) {
    count--;
    description = build(added.slice(0, count));
  }
  return {
    description: description || current,
    why: `Adds ${added.slice(0, count).join(", ") || "nothing"}; drops ${cede.join(", ") || "nothing"}.`,
  };
}
