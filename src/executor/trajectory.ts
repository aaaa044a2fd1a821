/** What happened in one task run, step by step: saved as JSON and read by diagnosers and reports. */
export interface TrajectoryStep {
  index: number;
  /** Text the model wrote in this step (often empty when it only called tools). */
  text: string;
  /**
   * Tool calls, named in the shared vocabulary (builtin/protocol.ts: activate_skill, read_file,
   * run_shell …) so diagnosers read every executor's trajectory the same way; an external agent's
   * own tool name and input are kept in `native`.
   */
  toolCalls: Array<{ id: string; name: string; input: unknown; native?: { name: string; input: unknown } }>;
  /** Tool results, truncated for storage. */
  toolResults: Array<{ id: string; name: string; output: string; error?: boolean }>;
  finishReason: string;
  usage: TokenUsage;
  /** Milliseconds since the task run started, when this step finished. */
  atMs: number;
}

export interface TokenUsage {
  input: number;
  cachedInput: number;
  output: number;
}

/**
 * How a task run ended. The four kinds of the executor contract: ok = "answered"; gave up =
 * "gave-up" (the agent stopped without an answer) or "max-turns" (it hit the turn limit);
 * timed out = "timeout"; crashed = "error" (the agent failed or said something we cannot read).
 */
export type RunOutcome = "answered" | "gave-up" | "max-turns" | "timeout" | "error";

export const RUN_OUTCOMES: readonly RunOutcome[] = ["answered", "gave-up", "max-turns", "timeout", "error"];

export interface Trajectory {
  taskId: string;
  repeat: number;
  /** The executor that ran it (absent in runs made before executors were pluggable: builtin). */
  executor?: string;
  skill: { name: string; hash: string } | null;
  model: string;
  system: string;
  prompt: string;
  steps: TrajectoryStep[];
  answer: string;
  outcome: RunOutcome;
  error?: string;
  usage: TokenUsage;
  /** Dollars this run spent; null when a price is unknown; absent in older runs. */
  costUsd?: number | null;
  /** Files the agent created or changed in its workspace. */
  files?: string[];
  /** What an external agent reported about itself (skills it found, its own usage figures …). */
  agent?: Record<string, unknown>;
  ms: number;
}

export const EMPTY_USAGE: TokenUsage = { input: 0, cachedInput: 0, output: 0 };

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input: a.input + b.input,
    cachedInput: a.cachedInput + b.cachedInput,
    output: a.output + b.output,
  };
}

/** A one-paragraph account of the run for people and diagnosers: tools used and how it ended. */
export function summarizeTrajectory(trajectory: Trajectory): string {
  const calls = trajectory.steps.flatMap((step) => step.toolCalls.map((call) => call.name));
  const ending =
    trajectory.outcome === "answered"
      ? `answered ${JSON.stringify(trajectory.answer)}`
      : `ended: ${trajectory.outcome}`;
  return `${trajectory.steps.length} steps; tools: ${calls.join(", ") || "none"}; ${ending}${trajectory.error ? ` (${trajectory.error})` : ""}`;
}
