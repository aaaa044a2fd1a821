import type { Trajectory } from "../executor/trajectory.js";
import type { Skill } from "../skill/index.js";
import type { Diagnosis } from "./records.js";

/** How the optimizer's prompts show things to a model: plain, labelled, bounded in size. */

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)} […]` : text);

/**
 * A trajectory as text: each step's words, tool calls and results, then the final answer. `maxChars`
 * bounds the whole (the middle is left out), `resultChars` each tool result; the diagnoser's
 * read_trajectory tool shows it unclipped.
 */
export function renderTrajectory(trajectory: Trajectory, maxChars = 12_000, resultChars = 1_200): string {
  const lines: string[] = [];
  for (const step of trajectory.steps) {
    if (step.text.trim()) lines.push(`step ${step.index + 1} says: ${clip(step.text.trim(), 800)}`);
    for (const call of step.toolCalls) {
      const result = step.toolResults.find((r) => r.id === call.id);
      lines.push(`step ${step.index + 1} calls ${call.name} ${clip(JSON.stringify(call.input), 600)}`);
      if (result)
        lines.push(
          `  → ${result.error ? "error: " : ""}${clip(result.output, resultChars).replace(/\n/g, "\n    ")}`,
        );
    }
  }
  lines.push(
    `final answer: ${JSON.stringify(trajectory.answer)} (${trajectory.outcome}${trajectory.error ? `: ${trajectory.error}` : ""})`,
  );
  const text = lines.join("\n");
  if (text.length <= maxChars) return text;
  // keep the start (what the agent read) and the end (what it concluded)
  return `${text.slice(0, maxChars / 2)}\n[… ${text.length - maxChars} characters of the middle left out …]\n${text.slice(-maxChars / 2)}`;
}

/** The skill as a diagnoser sees it: SKILL.md whole, and the list of its other files. */
export function renderSkillOutline(skill: Skill): string {
  const files = skill.resources.map((r) => `- ${r.path} (${r.size} bytes)`).join("\n") || "(none)";
  return `### ${skill.skillFile}\n\n${skill.source.trim()}\n\n### Other files\n${files}`;
}

/** The skill as the editor sees it: every text file whole. */
export function renderSkillFiles(skill: Skill): string {
  const parts = [`### ${skill.skillFile}\n\n${skill.source.trim()}`];
  for (const resource of skill.resources) {
    parts.push(
      resource.binary || resource.text === undefined
        ? `### ${resource.path}\n\n(binary, ${resource.size} bytes)`
        : `### ${resource.path}\n\n${resource.text.trim()}`,
    );
  }
  const sections = skill.sections.map((s) => `section:${s.slug} (## ${s.heading})`).join(", ") || "(none)";
  return `${parts.join("\n\n")}\n\n### Anchors\nbody sections: ${sections}`;
}

export function jsonBlock(value: unknown): string {
  return `\`\`\`json\n${JSON.stringify(value, null, 1)}\n\`\`\``;
}

/**
 * Diagnoses as the momentum keeper and the patcher see them: the diagnosis itself, without the
 * bookkeeping (repeat, iteration) or the human notes the diagnoser already weighed.
 */
export function diagnosesForPrompt(diagnoses: Diagnosis[]) {
  return diagnoses.map(
    ({ taskId, signal, label, kind, whatHappened, cause, correctApproach, skippedStep, robustness }) => ({
      taskId,
      signal,
      label,
      kind,
      whatHappened,
      cause,
      correctApproach,
      skippedStep,
      ...(robustness ? { robustness } : {}),
    }),
  );
}
