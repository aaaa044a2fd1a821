import type { SkillEdit } from "../skill/types.js";
import { fileWords, pointerLine } from "./guidance.js";
import type { RenderedSkill } from "./prompt-reading.js";

/**
 * How the simulated patcher turns "write these rules at this anchor" into one edit operation.
 * `merge` keeps what the anchor already says and adds to it; otherwise the new text replaces it.
 */

export interface AnchorWrite {
  anchor: string;
  /** Guidance to state at the anchor (paragraphs in a section, bullets in a reference). */
  texts: string[];
  /** Structural moves: rules that become numbered steps at the top of the section's list. */
  steps: string[];
  merge: boolean;
}

const STEP = /^\d+\.\s+/;

function title(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A section's new content: the old one kept (merge) or dropped, new steps first, new texts after. */
export function composeSection(existing: string | undefined, write: AnchorWrite): string {
  const keep = (write.merge || write.steps.length > 0) && existing?.trim() ? existing.trim().split("\n") : [];
  let lines = keep;
  if (write.steps.length > 0) {
    const oldSteps = keep.filter((line) => STEP.test(line)).map((line) => line.replace(STEP, ""));
    const rest = keep
      .filter((line) => !STEP.test(line))
      .join("\n")
      .trim();
    const steps = [...write.steps.filter((step) => !oldSteps.includes(step)), ...oldSteps];
    lines = [...steps.map((step, i) => `${i + 1}. ${step}`), ...(rest ? ["", ...rest.split("\n")] : [])];
  }
  for (const text of write.texts) {
    if (lines.join("\n").includes(text)) continue;
    lines.push(...(lines.length > 0 ? [""] : []), text);
  }
  return lines.join("\n");
}

/** A reference file's new text: its title, the old bullets kept (merge) or dropped, the new bullets. */
export function composeReference(path: string, existing: string | undefined, write: AnchorWrite): string {
  const heading = existing?.split("\n")[0]?.startsWith("# ")
    ? existing.split("\n")[0]
    : `# ${title(fileWords(path))}`;
  let text = write.merge && existing?.trim() ? existing.trim() : (heading ?? "");
  const bullets = [...write.steps, ...write.texts]
    .filter((rule) => !text.includes(rule))
    .map((rule) => `- ${rule}`);
  if (bullets.length > 0) text += `${/\n- [^\n]*$/.test(text) ? "\n" : "\n\n"}${bullets.join("\n")}`;
  return `${text}\n`;
}

/** The one edit that writes `write` at its anchor, or undefined when it would change nothing. */
export function editAt(skill: RenderedSkill, write: AnchorWrite): SkillEdit | undefined {
  if (write.anchor.startsWith("references/")) {
    const existing = skill.files.get(write.anchor);
    const content = composeReference(write.anchor, existing, write);
    return content.trim() === existing?.trim()
      ? undefined
      : { op: "write_file", path: write.anchor, content };
  }
  const slug = write.anchor.replace(/^section:/, "");
  const section = skill.sections.find((s) => s.slug === slug);
  // a blank line under the heading, as the skill's own sections have
  const content = `\n${composeSection(section?.content, write)}`;
  if (!section) return { op: "insert_section", heading: title(slug.replace(/-/g, " ")), content };
  return content.trim() === section.content.trim() ? undefined : { op: "replace_section", slug, content };
}

/** Whether a body line (not the file list's "- " lines) names the reference. */
export function pointedTo(skill: RenderedSkill, path: string): boolean {
  return skill.body.split("\n").some((line) => !line.startsWith("- ") && line.includes(path));
}

export const POINTER_SECTION = "references";

/** The edit that adds a pointer line for each path to the body's References section (made if missing). */
export function pointerEdit(skill: RenderedSkill, paths: string[]): SkillEdit {
  const section = skill.sections.find((s) => s.slug === POINTER_SECTION);
  const lines = composeSection(section?.content, {
    anchor: `section:${POINTER_SECTION}`,
    texts: paths.map(pointerLine),
    steps: [],
    merge: true,
  });
  const content = `\n${lines}`;
  return section
    ? { op: "replace_section", slug: POINTER_SECTION, content }
    : { op: "insert_section", heading: "References", content };
}
