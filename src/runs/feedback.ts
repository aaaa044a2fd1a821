import { readFile } from "node:fs/promises";
import { z } from "zod";
import { errorMessage, SkillgradError } from "../errors.js";

/**
 * feedback.json: what a person marked and wrote per task in a report's review mode (all in the page,
 * no server), and what `optimize --feedback FILE` reads as human evidence for the diagnoser.
 */
export const FEEDBACK_FORMAT = "skillgrad-feedback/1";

export const feedbackItemSchema = z.object({
  taskId: z.string().min(1),
  repeat: z.number().int().min(0),
  /** The optimize iteration whose batch the reviewed run belongs to (absent for eval runs). */
  iteration: z.number().int().min(1).optional(),
  /** The skill version that made the reviewed run, when the report knows it. */
  version: z.string().optional(),
  /** The grader's verdict on that run. */
  graderPass: z.boolean(),
  /** The answer the person reviewed. */
  answer: z.string(),
  /** The person's verdict on the outcome: null when they only wrote a comment. */
  verdict: z.enum(["correct", "wrong"]).nullable(),
  comment: z.string(),
});
export type FeedbackItem = z.infer<typeof feedbackItemSchema>;

export const feedbackFileSchema = z.object({
  format: z.literal(FEEDBACK_FORMAT),
  run: z.object({
    id: z.string(),
    dir: z.string(),
    kind: z.string(),
    skill: z.object({ name: z.string(), hash: z.string().optional() }).nullable(),
  }),
  reviewer: z.string().optional(),
  exportedAt: z.string(),
  items: z.array(feedbackItemSchema),
});
export type FeedbackFile = z.infer<typeof feedbackFileSchema>;

/** Reads and checks a feedback.json; a file that is not one is a one-line SkillgradError. */
export async function loadFeedback(path: string): Promise<FeedbackFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new SkillgradError(
      `cannot read the feedback file ${path} (${errorMessage(error)}); check --feedback`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SkillgradError(
      `the feedback file ${path} is not JSON (${errorMessage(error)}); export it again from a report's review mode`,
    );
  }
  const parsed = feedbackFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SkillgradError(
      `the feedback file ${path} is not a skillgrad feedback.json (${issue ? `${issue.path.join(".") || "top"}: ${issue.message}` : "invalid"}); export it from a report's review mode`,
    );
  }
  return parsed.data;
}

/** A person's note on a run of a task, as the diagnoser gets it: always marked as human. */
export interface HumanNote {
  source: "human";
  /** The run the person reviewed (its id), and which version made it when known. */
  reviewedRun: string;
  version?: string;
  reviewer?: string;
  /** The answer they reviewed, and whether the grader had passed it. */
  answer: string;
  graderPass: boolean;
  verdict: "correct" | "wrong" | null;
  comment: string;
}

/** The notes on one task, newest review last (several iterations or repeats may have one each). */
export function humanNotesFor(feedback: FeedbackFile | undefined, taskId: string): HumanNote[] {
  if (!feedback) return [];
  return feedback.items
    .filter((item) => item.taskId === taskId && (item.verdict !== null || item.comment.trim() !== ""))
    .map((item) => ({
      source: "human" as const,
      reviewedRun: feedback.run.id,
      ...(item.version ? { version: item.version } : {}),
      ...(feedback.reviewer ? { reviewer: feedback.reviewer } : {}),
      answer: item.answer,
      graderPass: item.graderPass,
      verdict: item.verdict,
      comment: item.comment.trim(),
    }));
}
