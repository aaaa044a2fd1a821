import { z } from "zod";

/** The plain records of the trigger optimizer (all JSON, the model replies checked with zod). */

const label = z
  .string()
  .trim()
  .refine((text) => {
    const words = text.split(/\s+/).length;
    return words >= 2 && words <= 8;
  }, "the label must be a short generic phrase of 3 to 6 words");

const words = z.array(z.string().trim().min(1)).max(40);

export const triggerDiagnosisReply = z.object({
  missed: z.array(
    z.object({
      label,
      queries: z.array(z.string()),
      why: z.string().min(1),
      claim: z.string().min(1),
      words,
    }),
  ),
  falseTriggers: z.array(
    z.object({
      label,
      queries: z.array(z.string()),
      why: z.string().min(1),
      competitor: z.string().min(1),
      cede: z.string().min(1),
      words,
    }),
  ),
  summary: z.string(),
});
export type TriggerDiagnosis = z.infer<typeof triggerDiagnosisReply>;

/** The Agent Skills limit on a description. */
export const MAX_DESCRIPTION_CHARS = 1024;

export const descriptionReply = z.object({
  description: z
    .string()
    .trim()
    .min(1)
    .max(MAX_DESCRIPTION_CHARS, `the description must be at most ${MAX_DESCRIPTION_CHARS} characters`)
    .refine((text) => !/\n\s*\n/.test(text), "the description must be one paragraph"),
  why: z.string().min(1),
});
export type DescriptionReply = z.infer<typeof descriptionReply>;

/** A description that was tried and did worse on the held-out queries (shown to the next patcher). */
export interface RejectedDescription {
  iteration: number;
  description: string;
  heldoutF1: number | null;
  reason: string;
}
