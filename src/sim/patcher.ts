import { z } from "zod";
import { ROLE_TOOL } from "../optimizer/agent/skill-tools.js";
import { anchorPlaces, overlay as overlaySchema, patternKind, patternMemory } from "../optimizer/records.js";
import { LAYER_RULES, type PatchReply } from "../optimizer/stages/patch.js";
import type { SkillEdit } from "../skill/types.js";
import { hashUnit } from "../util/random.js";
import { type Conversation, resultsOf } from "./conversation.js";
import type { SimRoleSettings } from "./diagnoser.js";
import { formatRule, parseRuleLine, parseRules, type Rule, ruleKey, sameRule } from "./library/rules.js";
import { mergeRules, patternSlug, referenceFor } from "./patterns.js";
import {
  jsonBlocks,
  promptSections,
  type RenderedSkill,
  readPromptSkill,
  renderedSkillOf,
} from "./prompt-reading.js";
import type { SimStep } from "./roles.js";

const SECTIONS = [
  "Current skill",
  "Signals",
  "Rejected edits",
  "Edit budget",
  "Read-back problems after your edits",
];

/** The body section rules move into when a pattern keeps recurring (a structural move). */
export const CONVENTIONS_SECTION = "conventions";
export const POINTER_SECTION = "references";

/** Rules to write for one pattern, where, and how urgently. */
interface Need {
  pattern: string;
  anchor: string;
  rules: Rule[];
  direction: "add" | "strengthen";
  remedies: number;
}

interface Signals {
  needs: Need[];
  /** Rules that explain robust successes: a conflicting new rule must not replace them. */
  preserved: Rule[];
  /** Signals with nothing actionable (no rule stated, or no pattern). */
  skipped: number;
}

const shownDiagnosis = z.object({
  signal: z.enum(["failure", "success"]),
  label: z.string(),
  kind: patternKind,
  correctApproach: z.string(),
  robustness: z.enum(["robust", "lucky", "unclear"]).optional(),
});

/** Where rules about the same things already live in the skill: a reference file or a body section. */
function existingAnchor(skill: RenderedSkill, rules: Rule[]): string | undefined {
  const keys = new Set(rules.map(ruleKey));
  for (const [path, text] of skill.files) {
    if (path.startsWith("references/") && parseRules(text).some((rule) => keys.has(ruleKey(rule))))
      return path;
  }
  const section = skill.sections.find((s) => parseRules(s.content).some((rule) => keys.has(ruleKey(rule))));
  return section ? `section:${section.slug}` : undefined;
}

/** Raw diagnoses: every failure is an `add`; a robust success's rules are preserved. */
function signalsFromDiagnoses(list: unknown, skill: RenderedSkill): Signals {
  const signals: Signals = { needs: [], preserved: [], skipped: 0 };
  for (const diagnosis of z.array(shownDiagnosis).parse(list)) {
    const rules = parseRules(diagnosis.correctApproach);
    if (rules.length === 0) {
      signals.skipped++;
      continue;
    }
    if (diagnosis.signal === "success" && diagnosis.robustness === "robust") {
      signals.preserved.push(...rules);
      continue;
    }
    const pattern = patternSlug(diagnosis.label);
    const anchor = existingAnchor(skill, rules) ?? referenceFor(pattern);
    signals.needs.push({ pattern, anchor, rules, direction: "add", remedies: 0 });
  }
  return signals;
}

/** Overlay and memory: each entry's pattern, with its rules (the memory's description) and direction. */
function signalsFromOverlay(overlayJson: unknown, memoryJson: unknown, skill: RenderedSkill): Signals {
  // a pattern anchored to "section:x + references/y.md" writes its rules in the file; "undecided" picks one
  const overlay = overlaySchema.parse(overlayJson);
  const memory = patternMemory.parse(memoryJson);
  const signals: Signals = { needs: [], preserved: [], skipped: 0 };
  for (const entry of overlay.entries) {
    const pattern = memory.patterns.find((p) => p.slug === entry.pattern.replace(/^new:/, ""));
    const rules = pattern ? parseRules(pattern.description) : [];
    if (!pattern || entry.anchor === "none" || rules.length === 0) {
      signals.skipped++;
    } else if (entry.direction === "preserve") signals.preserved.push(...rules);
    else {
      signals.needs.push({
        pattern: pattern.slug,
        // rules about the same things stay where the skill already states them
        anchor: existingAnchor(skill, rules) ?? placeOf(pattern.anchor, pattern.slug),
        rules,
        direction: entry.direction,
        remedies: pattern.remedies.length,
      });
    }
  }
  return signals;
}

/** The one place a pattern anchor writes to: its file if it names one, else its section, else a new file. */
function placeOf(anchor: string, slug: string): string {
  const places = anchorPlaces(anchor);
  return places.find((p) => p.startsWith("references/")) ?? places[0] ?? referenceFor(slug);
}

/**
 * The raw diagnoses as a backstop beside the overlay: a failure whose rules no overlay need covers is
 * still written (what the overlay compressed away is not lost).
 */
function backstop(signals: Signals, raw: Signals): Signals {
  const covered = new Set(signals.needs.flatMap((need) => need.rules.map(formatRule)));
  const extra = raw.needs.filter((need) => need.rules.some((rule) => !covered.has(formatRule(rule))));
  return {
    needs: [...signals.needs, ...extra],
    preserved: [...signals.preserved, ...raw.preserved],
    skipped: signals.skipped,
  };
}

/** One need per pattern: its rules merged, the strongest direction, the longest remedy log. */
function byPattern(needs: Need[]): Need[] {
  const merged = new Map<string, Need>();
  for (const need of needs) {
    const seen = merged.get(need.pattern);
    if (!seen) merged.set(need.pattern, { ...need });
    else {
      seen.rules = mergeRules(seen.rules, need.rules);
      if (need.direction === "strengthen") seen.direction = "strengthen";
      seen.remedies = Math.max(seen.remedies, need.remedies);
    }
  }
  // recurring patterns first, so they win the edit budget
  return [...merged.values()].sort(
    (a, b) => Number(b.direction === "strengthen") - Number(a.direction === "strengthen"),
  );
}

const title = (words: string) => words.charAt(0).toUpperCase() + words.slice(1);
const wordsOf = (path: string) =>
  (path.split("/").pop() ?? path).replace(/\.md$/, "").replace(/[-_.]+/g, " ");

/** A loose note the noisy patcher writes instead of a rule line: it names the topic, not the rule. */
function looseNote(rule: Rule): string {
  return `Note: values in ${rule.column ? `the ${rule.column} column` : "these tables"} need care (${rule.op.replace(/-/g, " ")}).`;
}

function isLooseNoteFor(line: string, rule: Rule): boolean {
  return (
    line.startsWith("Note: ") &&
    line.includes(`(${rule.op.replace(/-/g, " ")})`) &&
    line.includes(rule.column ?? "these tables")
  );
}

/**
 * Rules written into text: a rule replaces the line stating a rule about the same operation and
 * column (consolidating, not appending), or follows the last rule line; a rule that conflicts with a
 * preserved one is not written. `write` gives the line (the rule, or under noise a loose note).
 */
function placeRules(text: string, rules: Rule[], preserved: Rule[], write: (rule: Rule) => string): string {
  const lines = text.split("\n");
  for (const rule of rules) {
    const kept = preserved.find((p) => ruleKey(p) === ruleKey(rule));
    if (kept && !sameRule(kept, rule)) continue;
    const line = write(rule);
    const stated = lines.findIndex((l) => {
      const parsed = parseRuleLine(l);
      return parsed !== undefined && ruleKey(parsed) === ruleKey(rule);
    });
    const note = lines.findIndex((l) => isLooseNoteFor(l, rule));
    if (stated >= 0) {
      if (!sameRule(parseRuleLine(lines[stated] ?? "") as Rule, rule)) lines[stated] = line;
      continue;
    }
    if (note >= 0) {
      lines[note] = line;
      continue;
    }
    const last = lines.reduce((at, l, i) => (parseRuleLine(l) || l.startsWith("Note: ") ? i : at), -1);
    if (last >= 0) lines.splice(last + 1, 0, line);
    else {
      while (lines.length > 0 && (lines.at(-1) ?? "").trim() === "") lines.pop();
      lines.push(...(lines.length > 0 ? [""] : []), line);
    }
  }
  return lines.join("\n");
}

function newReference(path: string, columns: string[]): string {
  const when =
    columns.length > 0
      ? `a question involves the ${columns.join(" or ")} column${columns.length > 1 ? "s" : ""}`
      : "any question";
  return [
    `# ${title(wordsOf(path))}`,
    "",
    `Use this file when ${when}. Apply each rule below to the table before computing.`,
    "",
    "Check: after applying the rules, re-read a few affected cells and confirm each is counted once, with its intended value.",
    "",
  ].join("\n");
}

const columnsOf = (rules: Rule[]) => [...new Set(rules.flatMap((rule) => rule.column ?? []))];

/** The pointer line for a reference: when to read it (its rules' columns), or always for general rules. */
export function pointerLine(path: string, rules: Rule[]): string {
  const columns = columnsOf(rules);
  if (rules.some((rule) => rule.column === undefined) || columns.length === 0)
    return `Read ${path} before answering any question.`;
  return `Read ${path} when a question involves the ${columns.join(" or ")} column${columns.length > 1 ? "s" : ""}; skip it otherwise.`;
}

type ProposedEdit = PatchReply["edits"][number];

interface Write {
  anchor: string;
  pattern: string;
  rules: Rule[];
  why: string[];
}

interface Plan {
  edits: ProposedEdit[];
  notes: string;
}

/** References the patcher reads before planning (it reads before it writes; a dozen at most). */
const MAX_READS = 12;

/**
 * The simulated patcher (a simulation), through its tools: it reads each existing file it will edit,
 * then applies its edits one apply_edit call at a time, checks the skill, and submits its options and
 * self-review. What it writes: each pattern's rules (the rule syntax of src/sim/library/rules.ts) at
 * the pattern's anchor — a reference named from the pattern, or the file or section that already
 * states rules about the same things — replacing a rule about the same operation and column rather
 * than appending, with a pointer in the body that says when to read each reference. A pattern that
 * still recurs after three remedies moves into the body's Conventions section (a structural move).
 * With probability `noise` a rule is written as a loose note the agent cannot apply. A repair session
 * fixes broken pointers and orphaned references.
 */
export function simPatchStep(conversation: Conversation, settings: SimRoleSettings): SimStep {
  const user = conversation.userMessages[0] ?? "";
  const sections = promptSections(user, SECTIONS);
  const shown = readPromptSkill(sections.get("Current skill")?.body ?? "");
  const texts = new Map(
    resultsOf(conversation, ROLE_TOOL.readSkillFile)
      .filter((done) => !done.output.startsWith("error:"))
      .map((done) => [String(done.input.path), done.output]),
  );
  const applied = resultsOf(conversation, ROLE_TOOL.applyEdit);
  const unread = shown.files.find((path) => path.startsWith("references/") && !texts.has(path));
  if (unread && applied.length === 0 && texts.size < MAX_READS) {
    return { tool: ROLE_TOOL.readSkillFile, input: { path: unread } };
  }
  // the plan is made from what was read before the first edit, so later steps repeat it exactly
  const skill = renderedSkillOf(shown.skillFile, shown.source, texts);
  const problems = sections.get("Read-back problems after your edits");
  const plan = problems ? repair(problems.body, skill) : planEdits(sections, skill, settings);
  const next = plan.edits[applied.length];
  if (next) return { tool: ROLE_TOOL.applyEdit, input: next };
  const checked = resultsOf(conversation, ROLE_TOOL.checkSkill)[0];
  if (!checked) return { tool: ROLE_TOOL.checkSkill, input: {} };
  const refused = applied.filter((done) => done.output.startsWith("refused")).length;
  return {
    tool: ROLE_TOOL.submitPatch,
    input: {
      options: [
        "state each pattern's rules in a reference named from it, with a pointer saying when to read it",
        "state the rules in the body's Conventions section, where every task sees them",
        "chosen: the reference with a pointer; the body only for a pattern that keeps recurring",
      ],
      review: LAYER_RULES.map((rule) => ({
        rule,
        ok: !checked.output.includes("Problems:") && !layerNoteFor(rule, checked.output),
        note: layerNoteFor(rule, checked.output) ?? "checked with check_skill",
      })),
      edits: [],
      notes: `${plan.notes}${refused > 0 ? ` ${refused} edit(s) were refused.` : ""}`,
    } satisfies PatchReply,
  };
}

/** The check_skill note that concerns a layer rule, if any. */
function layerNoteFor(rule: string, checkOutput: string): string | undefined {
  const topic = rule.split(":")[0] ?? "";
  const keyword =
    topic === "pointers"
      ? "pointer"
      : topic === "description"
        ? "description"
        : topic === "body sections"
          ? "pitfalls"
          : undefined;
  if (!keyword) return undefined;
  return checkOutput
    .split("\n")
    .find((line) => line.startsWith("- ") && line.includes(keyword))
    ?.slice(2);
}

function planEdits(
  sections: Map<string, { heading: string; body: string }>,
  skill: RenderedSkill,
  settings: SimRoleSettings,
): Plan {
  const budget = Number(/at most (\d+) anchors/.exec(sections.get("Edit budget")?.body ?? "")?.[1] ?? 3);
  const signalsText = sections.get("Signals")?.body ?? "";
  const blocks = signalsText.split(/\n### /);
  const block = (name: string) => {
    const found = blocks.find((b) => b.replace(/^### /, "").startsWith(name));
    return found ? jsonBlocks(found)[0] : undefined;
  };
  const raw = signalsFromDiagnoses(block("Diagnoses") ?? [], skill);
  const overlayJson = block("Overlay");
  const signals =
    overlayJson === undefined
      ? raw
      : backstop(signalsFromOverlay(overlayJson, block("Pattern memory"), skill), raw);

  const skillKey = JSON.stringify([skill.source, ...skill.files]);
  const write = (pattern: string) => (rule: Rule) =>
    hashUnit("sim-patch", settings.seed, pattern, formatRule(rule), skillKey) < settings.noise
      ? looseNote(rule)
      : formatRule(rule);

  const writes = new Map<string, Write>();
  for (const need of byPattern(signals.needs)) {
    const structural = need.direction === "strengthen" && need.remedies >= 3;
    const anchor = structural ? `section:${CONVENTIONS_SECTION}` : need.anchor;
    const entry = writes.get(anchor) ?? { anchor, pattern: need.pattern, rules: [], why: [] };
    writes.set(anchor, entry);
    entry.rules = mergeRules(entry.rules, need.rules);
    entry.why.push(
      structural
        ? `${need.pattern} recurred after ${need.remedies} remedies: its rules move into the body`
        : `${need.pattern}: ${need.direction === "strengthen" ? "restate" : "state"} ${need.rules.map(formatRule).join("; ")}`,
    );
  }
  const rejected = rejectedEdits(sections.get("Rejected edits")?.body ?? "");
  const edits: ProposedEdit[] = [];
  const pointers = new Map<string, string>(); // reference → the pointer line it needs
  let pointerPattern = "";
  let overBudget = 0;
  for (const entry of writes.values()) {
    const edit = editFor(skill, entry, signals.preserved, write(entry.pattern));
    if (!edit || rejected.has(canonical(edit.edit))) continue;
    const pointer = entry.anchor.startsWith("references/")
      ? pointerLine(entry.anchor, edit.rules)
      : undefined;
    const pointerChanges = pointer !== undefined && !bodyHasLine(skill, pointer);
    const cost = 1 + (pointerChanges && pointers.size === 0 ? 1 : 0);
    if (edits.length + (pointers.size > 0 ? 1 : 0) + cost > budget) {
      overBudget++;
      continue;
    }
    edits.push({ pattern: entry.pattern, anchor: entry.anchor, why: entry.why.join("; "), edit: edit.edit });
    if (pointerChanges && pointer) {
      pointers.set(entry.anchor, pointer);
      pointerPattern ||= entry.pattern;
    }
  }
  if (pointers.size > 0) {
    edits.push({
      pattern: pointerPattern,
      anchor: `section:${POINTER_SECTION}`,
      why: `point the body to ${[...pointers.keys()].join(", ")}, saying when to read each`,
      edit: pointerEdit(skill, pointers),
    });
  }
  const notes = [
    `Edited ${edits.length} anchor(s)${edits.length > 0 ? `: ${edits.map((e) => e.anchor).join(", ")}` : ""}.`,
    signals.preserved.length > 0 ? `Kept ${signals.preserved.length} rule(s) that explain successes.` : "",
    signals.skipped > 0 ? `${signals.skipped} signal(s) stated no rule to write.` : "",
    overBudget > 0 ? `${overBudget} anchor(s) left for later (edit budget).` : "",
  ];
  return { edits, notes: notes.filter(Boolean).join(" ") };
}

function bodyHasLine(skill: RenderedSkill, line: string): boolean {
  return skill.body.split("\n").some((l) => l.trim() === line);
}

/** The one edit that writes an entry's rules at its anchor, with the rules the anchor then states. */
function editFor(
  skill: RenderedSkill,
  entry: Write,
  preserved: Rule[],
  write: (rule: Rule) => string,
): { edit: SkillEdit; rules: Rule[] } | undefined {
  if (entry.anchor.startsWith("references/")) {
    const existing = skill.files.get(entry.anchor);
    const before = existing ?? newReference(entry.anchor, columnsOf(entry.rules));
    const content = `${placeRules(before.trimEnd(), entry.rules, preserved, write).trimEnd()}\n`;
    if (existing !== undefined && content.trim() === existing.trim()) return undefined;
    return { edit: { op: "write_file", path: entry.anchor, content }, rules: parseRules(content) };
  }
  const slug = entry.anchor.replace(/^section:/, "");
  const section = skill.sections.find((s) => s.slug === slug);
  const content = `\n${placeRules((section?.content ?? "").trim(), entry.rules, preserved, write).trim()}\n`;
  const rules = parseRules(content);
  if (!section)
    return { edit: { op: "insert_section", heading: title(slug.replace(/-/g, " ")), content }, rules };
  if (content.trim() === section.content.trim()) return undefined;
  return { edit: { op: "replace_section", slug, content }, rules };
}

/** The References section with each given reference's pointer line set (added, or replacing the old one). */
function pointerEdit(skill: RenderedSkill, pointers: Map<string, string>): SkillEdit {
  const section = skill.sections.find((s) => s.slug === POINTER_SECTION);
  const lines = (section?.content.trim() ?? "").split("\n").filter((line) => line.trim() !== "");
  for (const [path, pointer] of pointers) {
    const at = lines.findIndex((line) => line.includes(path));
    if (at >= 0) lines[at] = pointer;
    else lines.push(pointer);
  }
  const content = `\n${lines.join("\n\n")}\n`;
  return section
    ? { op: "replace_section", slug: POINTER_SECTION, content }
    : { op: "insert_section", heading: "References", content };
}

/** A repair round: create the files broken pointers name, point the body to orphaned references. */
function repair(problemsText: string, skill: RenderedSkill): Plan {
  const pointers = new Map<string, string>();
  const edits: ProposedEdit[] = [];
  for (const line of problemsText.split("\n")) {
    const problem = /^- ([^:\s]+)(?::\d+)?: (.*) \[([\w-]+)\]$/.exec(line.trim());
    if (!problem) continue;
    const [, file = "", message = "", code] = problem;
    if (code === "orphan-reference")
      pointers.set(file, pointerLine(file, parseRules(skill.files.get(file) ?? "")));
    const missing =
      code === "broken-pointer" ? /points to (\S+?),? which does not exist/.exec(message)?.[1] : undefined;
    if (missing?.endsWith(".md") && !edits.some((e) => e.anchor === missing)) {
      edits.push({
        pattern: "read-back-repair",
        anchor: missing,
        why: "create the file the body points to",
        edit: { op: "write_file", path: missing, content: newReference(missing, []) },
      });
    }
  }
  if (pointers.size > 0) {
    edits.push({
      pattern: "read-back-repair",
      anchor: `section:${POINTER_SECTION}`,
      why: `point the body to ${[...pointers.keys()].join(", ")}`,
      edit: pointerEdit(skill, pointers),
    });
  }
  return { edits, notes: `Repaired ${edits.length} read-back problem(s).` };
}

/** Edits rejected before, so the same edit is not proposed again. */
function rejectedEdits(text: string): Set<string> {
  const list = jsonBlocks(text)[0];
  if (!Array.isArray(list)) return new Set();
  return new Set(list.map((entry) => canonical((entry as { edit?: unknown }).edit)));
}

/** JSON with sorted keys, so equal edits compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
