import { z } from "zod";
import { ROLE_TOOL } from "../optimizer/agent/skill-tools.js";
import {
  anchorPlaces,
  type MomentumReply,
  type Overlay,
  type Pattern,
  patternKind,
  patternMemory,
} from "../optimizer/records.js";
import { type Conversation, resultsOf } from "./conversation.js";
import { formatRule, parseRules, type Rule, ruleKey } from "./library/rules.js";
import { describeRules, mergeRules, patternSlug, referenceFor } from "./patterns.js";
import { jsonBlocks, promptSections, readPromptSkill } from "./prompt-reading.js";
import type { SimStep } from "./roles.js";

const SECTIONS = [
  "Iteration",
  "Pattern memory",
  "Diagnoses this iteration",
  "Skill outline",
  "Patches so far",
];

/** A diagnosis as `momentumPrompt` lists it. */
const shownDiagnosis = z.object({
  taskId: z.string(),
  signal: z.enum(["failure", "success"]),
  label: z.string(),
  kind: patternKind,
  whatHappened: z.string(),
  correctApproach: z.string(),
  robustness: z.enum(["robust", "lucky", "unclear"]).optional(),
});

function readMomentumPrompt(user: string) {
  const sections = promptSections(user, SECTIONS);
  const iteration = Number(/\d+/.exec(sections.get("Iteration")?.heading ?? "")?.[0] ?? 1);
  const memory = patternMemory.parse(
    jsonBlocks(sections.get("Pattern memory")?.body ?? "")[0] ?? { patterns: [] },
  );
  const diagnoses = z
    .array(shownDiagnosis)
    .parse(jsonBlocks(sections.get("Diagnoses this iteration")?.body ?? "")[0] ?? []);
  const files = readPromptSkill(sections.get("Skill outline")?.body ?? "").files;
  return { iteration, memory, diagnoses, files };
}

/**
 * The simulated momentum keeper (a simulation), through its tools: it reads SKILL.md and every
 * reference of the skill, then updates the memory. Generic: a pattern is a diagnosis label; its
 * description is the set of rules its diagnoses stated (a later rule about the same operation and
 * column replaces an earlier one); its action tells the executor to apply them; a new pattern is
 * anchored to the file that already states rules about the same things, else to a reference named
 * from it. Overlay: judged from what the anchor's text states — a failure is `add` when the anchor
 * does not state its rules, `strengthen` when it does (so the agent missed it) or when the pattern
 * recurs after a remedy; a success is `preserve` when robust, else `strengthen`; a diagnosis stating
 * no rule is not actionable ("none"). Remedy logs are copied unchanged (skillgrad keeps them).
 */
export function simMomentumStep(conversation: Conversation): SimStep {
  const { iteration, memory, diagnoses, files } = readMomentumPrompt(conversation.userMessages[0] ?? "");
  const texts = new Map(
    resultsOf(conversation, ROLE_TOOL.readSkillFile).map((done) => [String(done.input.path), done.output]),
  );
  const unread = files.filter(
    (file) => (file === "SKILL.md" || file.startsWith("references/")) && !texts.has(file),
  );
  // at most a dozen files: the keeper has a turn limit too
  if (unread[0] && texts.size < 12) return { tool: ROLE_TOOL.readSkillFile, input: { path: unread[0] } };
  return { tool: ROLE_TOOL.submitMomentum, input: updateMemory(iteration, memory, diagnoses, texts) };
}

/** Rules stated at a pattern anchor's places (a section's rules count as SKILL.md's). */
function statedAt(anchor: string, texts: Map<string, string>): Rule[] {
  return anchorPlaces(anchor).flatMap((place) =>
    parseRules(place.startsWith("references/") ? (texts.get(place) ?? "") : (texts.get("SKILL.md") ?? "")),
  );
}

/** The reference that already states rules about the same operations and columns, if any. */
function existingHome(rules: Rule[], texts: Map<string, string>): string | undefined {
  const keys = new Set(rules.map(ruleKey));
  for (const [path, text] of texts) {
    if (path.startsWith("references/") && parseRules(text).some((rule) => keys.has(ruleKey(rule))))
      return path;
  }
  return undefined;
}

function updateMemory(
  iteration: number,
  memory: z.infer<typeof patternMemory>,
  diagnoses: Array<z.infer<typeof shownDiagnosis>>,
  texts: Map<string, string>,
): MomentumReply {
  const patterns: Pattern[] = structuredClone(memory.patterns);
  const createdNow = new Set<string>();
  const overlay: Overlay = { entries: [], themes: [] };
  for (const diagnosis of diagnoses) {
    const rules = parseRules(diagnosis.correctApproach);
    const direction =
      diagnosis.signal === "failure" ? "add" : diagnosis.robustness === "robust" ? "preserve" : "strengthen";
    if (rules.length === 0) {
      overlay.entries.push({
        taskId: diagnosis.taskId,
        signal: diagnosis.signal,
        pattern: "none",
        anchor: "none",
        gap: `nothing actionable: "${diagnosis.label}" states no rule`,
        direction,
        change: "",
        structure: "none",
      });
      continue;
    }
    const slug = patternSlug(diagnosis.label);
    let pattern = patterns.find((p) => p.slug === slug);
    if (!pattern) {
      pattern = {
        slug,
        kind: diagnosis.kind,
        anchor: existingHome(rules, texts) ?? referenceFor(slug),
        description: describeRules(rules),
        appearances: [],
        latestBehaviour: "",
        action: "",
        remedies: [],
      };
      patterns.push(pattern);
      createdNow.add(slug);
    }
    const merged = mergeRules(parseRules(pattern.description), rules);
    pattern.description = describeRules(merged);
    pattern.action = `Apply these conventions before computing: ${merged.map(formatRule).join("; ")}`;
    pattern.appearances.push({ iteration, taskId: diagnosis.taskId, signal: diagnosis.signal });
    pattern.latestBehaviour = diagnosis.whatHappened;
    const stated = new Set(statedAt(pattern.anchor, texts).map(formatRule));
    const missing = rules.filter((rule) => !stated.has(formatRule(rule)));
    const recurred = diagnosis.signal === "failure" && pattern.remedies.length > 0;
    const failureDirection = missing.length === 0 || recurred ? "strengthen" : "add";
    const list = (items: Rule[]) => items.map(formatRule).join("; ");
    overlay.entries.push({
      taskId: diagnosis.taskId,
      signal: diagnosis.signal,
      pattern: createdNow.has(slug) ? `new:${slug}` : slug,
      anchor: pattern.anchor,
      gap:
        diagnosis.signal === "success"
          ? direction === "preserve"
            ? `${pattern.anchor} states what explains this success: ${list(rules)}`
            : `this success is not explained by what the agent read: ${list(rules)}`
          : missing.length > 0
            ? `${pattern.anchor} does not state: ${list(missing)}`
            : `${pattern.anchor} states ${list(rules)}, but the agent did not apply it${recurred ? ` (recurred after ${pattern.remedies.length} remedies)` : ""}`,
      direction: diagnosis.signal === "failure" ? failureDirection : direction,
      change:
        diagnosis.signal === "success"
          ? `keep ${list(rules)} at ${pattern.anchor}`
          : missing.length > 0
            ? `state ${list(missing)} at ${pattern.anchor}, and point the body to it for the columns it concerns`
            : `make the agent read ${pattern.anchor} for these columns, or move the rules where it reads first`,
      structure: "none",
    });
  }
  overlay.themes = themes(patterns);
  return { memory: { patterns }, overlay };
}

/** Workflow themes: a workflow pattern with successes in at least two tasks, counting earlier iterations. */
function themes(patterns: Pattern[]): Overlay["themes"] {
  const found: Overlay["themes"] = [];
  for (const pattern of patterns) {
    if (pattern.kind !== "workflow") continue;
    const evidence = [
      ...new Set(pattern.appearances.filter((a) => a.signal === "success").map((a) => a.taskId)),
    ];
    if (evidence.length >= 2) found.push({ theme: pattern.action || pattern.slug, evidence });
  }
  return found.slice(0, 3);
}
