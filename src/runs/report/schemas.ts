import { z } from "zod";

/**
 * Lenient shapes of the run folder's files, as the report reads them. A run folder may come from
 * an older skillgrad or a killed run, so every field the report can do without is optional and
 * unknown fields pass through; the optimizer's own strict schemas are for model output, not this.
 */

const num = z.number();
const str = z.string();

export const taskResultSchema = z.looseObject({
  taskId: str,
  repeat: num.default(0),
  pass: z.boolean(),
  score: num.optional(),
  feedback: str.optional(),
  outcome: str.optional(),
  answer: str.optional(),
  error: str.optional(),
  trajectory: str.optional(),
  ms: num.optional(),
});
export type ReportTaskResult = z.infer<typeof taskResultSchema>;

export const evalSummarySchema = z.looseObject({
  model: str.optional(),
  skill: z.looseObject({ name: str, hash: str.optional() }).nullable().optional(),
  tasks: num.optional(),
  runs: num.optional(),
  passes: num.optional(),
  passRate: num.optional(),
  ci95: z.tuple([num, num]).optional(),
  meanScore: num.optional(),
  costUsd: num.nullable().optional(),
  calls: num.optional(),
  cachedCalls: num.optional(),
  wallMs: num.optional(),
});
export type ReportEvalSummary = z.infer<typeof evalSummarySchema>;

/** evaluation.json of a stage: {summary, results?}. */
export const evaluationSchema = z.looseObject({
  summary: evalSummarySchema.optional(),
  results: z.array(taskResultSchema).optional(),
});

const testScoreSchema = z.looseObject({
  passRate: num,
  ci95: z.tuple([num, num]).optional(),
  passes: num.optional(),
  runs: num.optional(),
});

const versionScoreSchema = z.looseObject({
  version: str,
  validation: num.nullable().optional(),
  test: testScoreSchema.nullable().optional(),
});
export type ReportVersionScore = z.infer<typeof versionScoreSchema>;

export const optimizeSummarySchema = z.looseObject({
  status: str.optional(),
  stoppedBy: str.nullable().optional(),
  stopReason: str.nullable().optional(),
  iterations: num.optional(),
  trainSize: num.optional(),
  versions: z
    .array(z.looseObject({ id: str, iteration: num.optional(), validation: num.nullable().optional() }))
    .optional(),
  seed: versionScoreSchema.optional(),
  final: versionScoreSchema.optional(),
  best: versionScoreSchema.optional(),
  testNote: str.nullable().optional(),
  costUsd: num.nullable().optional(),
  calls: num.optional(),
  cachedCalls: num.optional(),
  wallMs: num.optional(),
});
export type ReportOptimizeSummary = z.infer<typeof optimizeSummarySchema>;

const appearanceSchema = z.looseObject({ iteration: num, taskId: str.optional(), signal: str.optional() });
const remedySchema = z.looseObject({ iteration: num, diagnosis: str.optional(), patch: str.optional() });

export const patternSchema = z.looseObject({
  slug: str,
  kind: str.optional(),
  anchor: str.optional(),
  description: str.optional(),
  appearances: z.array(appearanceSchema).default([]),
  latestBehaviour: str.optional(),
  remedies: z.array(remedySchema).default([]),
});
export type ReportPattern = z.infer<typeof patternSchema>;

export const memorySchema = z.looseObject({ patterns: z.array(patternSchema).default([]) });
export type ReportMemory = z.infer<typeof memorySchema>;

export const overlaySchema = z.looseObject({
  entries: z
    .array(
      z.looseObject({
        taskId: str,
        signal: str.optional(),
        pattern: str.optional(),
        anchor: str.optional(),
        gap: str.optional(),
        direction: str.optional(),
      }),
    )
    .default([]),
  themes: z.array(z.looseObject({ theme: str, evidence: z.array(str).default([]) })).default([]),
});
export type ReportOverlay = z.infer<typeof overlaySchema>;

export const momentumFileSchema = z.looseObject({
  memory: memorySchema.optional(),
  overlay: overlaySchema.nullable().optional(),
  error: str.nullable().optional(),
});

export const diagnosisSchema = z.looseObject({
  taskId: str,
  repeat: num.optional(),
  signal: str.optional(),
  label: str.optional(),
  kind: str.optional(),
  whatHappened: str.optional(),
  cause: str.optional(),
  correctApproach: str.optional(),
  skippedStep: str.optional(),
  robustness: str.optional(),
  /** Present when no diagnosis could be had. */
  missing: str.optional(),
  /** A person's notes on the task (optimize --feedback), given to the diagnoser as human evidence. */
  human: z
    .array(
      z.looseObject({
        comment: z.string().optional(),
        verdict: z.string().nullable().optional(),
        answer: z.string().optional(),
        reviewedRun: z.string().optional(),
      }),
    )
    .optional(),
});
export type ReportDiagnosis = z.infer<typeof diagnosisSchema>;

const proposedEditSchema = z.looseObject({
  pattern: str.optional(),
  anchor: str.optional(),
  why: str.optional(),
  edit: z.looseObject({ op: str }).optional(),
});
export type ReportEdit = z.infer<typeof proposedEditSchema>;

export const patchFileSchema = z.looseObject({
  outcome: z
    .looseObject({
      applied: z.array(proposedEditSchema).default([]),
      refused: z.array(z.looseObject({ edit: proposedEditSchema, reason: str })).default([]),
      problems: z
        .array(
          z.looseObject({ file: str.optional(), line: num.optional(), message: str, code: str.optional() }),
        )
        .default([]),
      repairRounds: num.optional(),
      rolledBack: z.boolean().default(false),
      notes: str.optional(),
    })
    .nullable()
    .optional(),
  version: str.nullable().optional(),
});
export type ReportPatch = z.infer<typeof patchFileSchema>;

export const gateFileSchema = z.looseObject({
  version: str.optional(),
  score: num.nullable().optional(),
  currentScore: num.nullable().optional(),
  gate: str.optional(),
  accepted: z.boolean(),
});
export type ReportGate = z.infer<typeof gateFileSchema>;

export const batchFileSchema = z.looseObject({
  iteration: num.optional(),
  tasks: z.array(str),
  version: str.optional(),
});

export const stateFileSchema = z.looseObject({
  status: str.optional(),
  stoppedBy: str.optional(),
  stopReason: str.optional(),
  iteration: num.optional(),
  current: str.optional(),
  best: str.optional(),
  versions: z
    .array(z.looseObject({ id: str, iteration: num.optional(), validation: num.nullable().optional() }))
    .default([]),
  memory: memorySchema.optional(),
  trainIds: z.array(str).nullable().optional(),
});
export type ReportState = z.infer<typeof stateFileSchema>;

export const trajectorySchema = z.looseObject({
  taskId: str.optional(),
  model: str.optional(),
  system: str.optional(),
  prompt: str.optional(),
  steps: z
    .array(
      z.looseObject({
        text: str.optional(),
        toolCalls: z.array(z.looseObject({ id: str.optional(), name: str, input: z.unknown() })).default([]),
        toolResults: z
          .array(
            z.looseObject({
              id: str.optional(),
              name: str.optional(),
              output: str,
              error: z.boolean().optional(),
            }),
          )
          .default([]),
        finishReason: str.optional(),
        atMs: num.optional(),
      }),
    )
    .default([]),
  answer: str.optional(),
  outcome: str.optional(),
  error: str.optional(),
  grade: z
    .looseObject({ pass: z.boolean().optional(), score: num.optional(), feedback: str.optional() })
    .optional(),
  ms: num.optional(),
});
export type ReportTrajectory = z.infer<typeof trajectorySchema>;
