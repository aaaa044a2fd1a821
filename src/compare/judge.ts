import type { LanguageModelV3 } from "@ai-sdk/provider";
import { z } from "zod";
import type { Task } from "../tasks/types.js";
import { hashUnit } from "../util/random.js";
import { askJson } from "./ask.js";
import { judgeSystemPrompt } from "./prompts.js";
import type { ComparedOutput, Judgment, Side, SideRun, UnusableJudgment } from "./types.js";

/**
 * Which side is shown as "Output 1" for one task run: a coin drawn from the seed, the task id and the
 * repeat alone. It does not depend on which skill is A, on the outputs, or on the order of the runs,
 * so the same seed shows the same positions whichever way round the skills are given.
 */
export function shownFirst(seed: number, taskId: string, repeat: number): Side {
  return hashUnit("compare-order", seed, taskId, repeat) < 0.5 ? "a" : "b";
}

const FILE_TEXT_CHARS = 4_000;
const FILES_SHOWN = 5;

function renderOutput(output: ComparedOutput): string {
  const lines = [
    output.outcome === "answered"
      ? `Final answer: ${JSON.stringify(output.answer)}`
      : `No final answer (the run ended: ${output.outcome}).`,
  ];
  if (output.files.length === 0) lines.push("Files written: none.");
  else {
    lines.push("Files written:");
    for (const file of output.files.slice(0, FILES_SHOWN)) {
      const size = file.size === undefined ? "" : ` (${file.size} bytes)`;
      lines.push(`- ${file.path}${size}`);
      if (file.text !== undefined) {
        const text =
          file.text.length > FILE_TEXT_CHARS
            ? `${file.text.slice(0, FILE_TEXT_CHARS)}\n[… ${file.text.length - FILE_TEXT_CHARS} more characters]`
            : file.text;
        lines.push("```", text, "```");
      }
    }
    if (output.files.length > FILES_SHOWN)
      lines.push(`- … and ${output.files.length - FILES_SHOWN} more files`);
  }
  return lines.join("\n");
}

/**
 * The judge's user message: the task, its reference answer when it has one, and the two outputs as
 * "Output 1" and "Output 2". Nothing else: no skill name, version, folder or label of either side.
 */
export function judgePrompt(task: Task, first: ComparedOutput, second: ComparedOutput): string {
  const parts = [`## Task\n\n${task.prompt}`];
  if (task.expected !== undefined) parts.push(`## Reference answer\n\n${JSON.stringify(task.expected)}`);
  parts.push(`## Output 1\n\n${renderOutput(first)}`, `## Output 2\n\n${renderOutput(second)}`);
  return parts.join("\n\n");
}

export const verdictReply = z.object({
  better: z.enum(["first", "second", "tie"]),
  reason: z.string().trim().min(1),
});

/** Asks the judge about one pair of runs, shown in the seeded order; maps its verdict back to A or B. */
export async function judgePair(
  model: LanguageModelV3,
  task: Task,
  runs: Record<Side, SideRun>,
  seed: number,
): Promise<Judgment | UnusableJudgment> {
  const { repeat } = runs.a;
  const first = shownFirst(seed, task.id, repeat);
  const second: Side = first === "a" ? "b" : "a";
  const asked = await askJson(
    model,
    judgeSystemPrompt(),
    judgePrompt(task, runs[first].output, runs[second].output),
    verdictReply,
  );
  if (!asked.ok) return { taskId: task.id, repeat, first, unusable: asked.error };
  const { better, reason } = asked.value;
  return {
    taskId: task.id,
    repeat,
    first,
    verdict: better,
    winner: better === "tie" ? "tie" : better === "first" ? first : second,
    reason,
    pass: { a: runs.a.pass, b: runs.b.pass },
  };
}

export function isUnusable(judgment: Judgment | UnusableJudgment): judgment is UnusableJudgment {
  return "unusable" in judgment;
}
