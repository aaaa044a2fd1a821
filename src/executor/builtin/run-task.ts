import type { LanguageModelV3 } from "@ai-sdk/provider";
import { generateText, hasToolCall, type ModelMessage, stepCountIs } from "ai";
import { SkillgradError } from "../../errors.js";
import { CACHE_SALT_NAMESPACE, CALL_LABEL_NAMESPACE } from "../../models/index.js";
import { createWorkspace, type SandboxMode } from "../../sandbox/index.js";
import type { Skill } from "../../skill/index.js";
import { skillHash } from "../../skill/index.js";
import type { Task } from "../../tasks/types.js";
import { readAnswerFile } from "../answer-file.js";
import { addUsage, EMPTY_USAGE, type Trajectory, type TrajectoryStep } from "../trajectory.js";
import type { TaskRun, ToolCallSeen } from "../types.js";
import { filesWrittenSince, snapshotWorkspace } from "../workspace-changes.js";
import { executorSystemPrompt, executorTaskPrompt } from "./prompt.js";
import { TOOL } from "./protocol.js";
import { executorTools } from "./tools.js";
import { truncate } from "./workspace-files.js";

export interface RunTaskOptions {
  task: Task;
  /** The skill the agent may use; undefined runs the no-skill baseline. */
  skill?: Skill;
  model: LanguageModelV3;
  modelName: string;
  /** Folder under which this run's fresh workspace is made. */
  workspaceRoot: string;
  sandbox: SandboxMode;
  maxTurns: number;
  commandTimeoutSec: number;
  taskTimeoutSec: number;
  maxOutputChars?: number;
  /** Which rollout of the task this is; passed as the model's seed so repeats differ and cache apart. */
  repeat?: number;
  /** Names this run's model calls in the hub's ledger (not part of the cache key). */
  callLabel?: string;
  /** Skills installed beside `skill` (see TaskRunRequest.otherSkills). */
  otherSkills?: Skill[];
  /** Ends the run before a tool call is carried out (see TaskRunRequest.stopAt). */
  stopAt?: (call: ToolCallSeen) => boolean;
}

/** The tool error an agent gets for the call a `stopAt` stopped the run at (the run ends right after). */
export const STOPPED_CALL = "not carried out: the run was stopped here by its caller";

/**
 * Wraps each tool that runs something so that `stopAt` sees the call first; once it says stop, that
 * call and every later one are refused, and `stopped()` turns true (the loop ends after the step).
 */
function guardedTools<T extends Record<string, { execute?: unknown }>>(
  tools: T,
  stopAt: (call: ToolCallSeen) => boolean,
): { tools: T; stopped: () => boolean } {
  let stopped = false;
  const wrapped: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(tools)) {
    const execute = definition.execute as ((input: unknown, options: unknown) => unknown) | undefined;
    wrapped[name] = execute
      ? {
          ...definition,
          execute: (input: unknown, options: unknown) => {
            if (stopped || stopAt({ name, input })) {
              stopped = true;
              throw new Error(STOPPED_CALL);
            }
            return execute(input, options);
          },
        }
      : definition;
  }
  return { tools: wrapped as T, stopped: () => stopped };
}

const STORED_RESULT_CHARS = 4_000;

/** Our provider options: a cache salt for repeats, a ledger label; none at all when neither applies. */
function providerOptionsFor(repeat: number, label: string | undefined) {
  const options = {
    ...(repeat > 0 ? { [CACHE_SALT_NAMESPACE]: { sample: repeat } } : {}),
    ...(label ? { [CALL_LABEL_NAMESPACE]: { label } } : {}),
  };
  return Object.keys(options).length > 0 ? { providerOptions: options } : {};
}

function stringify(value: unknown): string {
  if (value instanceof Error) return value.message; // JSON.stringify of an Error is "{}"
  return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}

/**
 * The forward pass for one task: a fresh workspace with the task's files, an agent loop with the
 * skill's tools, and the whole trajectory. Agent faults (a crash, max turns, a timeout) end the run
 * as a failed outcome; errors of the model service itself propagate (they would hit every task).
 * This is the builtin executor's engine (see index.ts), also usable with a bare model.
 */
export async function runTask(options: RunTaskOptions): Promise<TaskRun> {
  const { task, skill } = options;
  const repeat = options.repeat ?? 0;
  const started = Date.now();
  const workspace = await createWorkspace(options.workspaceRoot, task.files);
  const before = await snapshotWorkspace(workspace);
  const system = executorSystemPrompt(skill, options.otherSkills);
  const prompt = executorTaskPrompt(
    task.prompt,
    task.files.map((file) => file.to),
  );
  const steps: TrajectoryStep[] = [];
  const trajectory: Trajectory = {
    taskId: task.id,
    repeat,
    executor: "builtin",
    skill: skill ? { name: skill.name, hash: skillHash(skill) } : null,
    model: options.modelName,
    system,
    prompt,
    steps,
    answer: "",
    outcome: "error",
    usage: EMPTY_USAGE,
    ms: 0,
  };
  const timeout = AbortSignal.timeout(options.taskTimeoutSec * 1000);
  // A command that could not run at all (no working sandbox) stops the run and is rethrown.
  const stop = new AbortController();
  let systemError: SkillgradError | undefined;
  const abort = AbortSignal.any([timeout, stop.signal]);
  const messages: ModelMessage[] = [{ role: "user", content: prompt }];
  const allTools = executorTools({
    skill,
    otherSkills: options.otherSkills,
    workspace,
    sandbox: options.sandbox,
    commandTimeoutSec: options.commandTimeoutSec,
    maxOutputChars: options.maxOutputChars ?? 20_000,
    onSystemError: (error) => {
      systemError ??= error;
      stop.abort(error);
    },
  });
  const guard = options.stopAt ? guardedTools(allTools, options.stopAt) : undefined;
  const stoppedEarly = () => guard?.stopped() === true;
  try {
    const result = await generateText({
      model: options.model,
      system,
      messages,
      tools: guard ? guard.tools : allTools,
      stopWhen: [hasToolCall(TOOL.finish), stepCountIs(options.maxTurns), stoppedEarly],
      maxRetries: 0,
      // Repeats must be fresh samples: a seed where the provider takes one, and a cache salt the hub strips.
      seed: repeat,
      ...providerOptionsFor(repeat, options.callLabel),
      abortSignal: abort,
      onStepFinish: (step) => {
        const usage = {
          input: step.usage.inputTokens ?? 0,
          cachedInput: step.usage.inputTokenDetails?.cacheReadTokens ?? 0,
          output: step.usage.outputTokens ?? 0,
        };
        trajectory.usage = addUsage(trajectory.usage, usage);
        steps.push({
          index: steps.length,
          text: step.text,
          toolCalls: step.toolCalls.map((call) => ({
            id: call.toolCallId,
            name: call.toolName,
            input: call.input,
          })),
          toolResults: step.content.flatMap((part) =>
            part.type === "tool-result"
              ? [
                  {
                    id: part.toolCallId,
                    name: part.toolName,
                    output: truncate(stringify(part.output), STORED_RESULT_CHARS),
                  },
                ]
              : part.type === "tool-error"
                ? [
                    {
                      id: part.toolCallId,
                      name: part.toolName,
                      output: truncate(stringify(part.error), STORED_RESULT_CHARS),
                      error: true,
                    },
                  ]
                : [],
          ),
          finishReason: step.finishReason,
          usage,
          atMs: Date.now() - started,
        });
      },
    });
    if (systemError) throw systemError;
    const finish = result.steps
      .flatMap((step) => step.toolCalls)
      .find((call) => call.toolName === TOOL.finish);
    if (stoppedEarly()) {
      trajectory.outcome = "gave-up";
      trajectory.error = `stopped by the caller at step ${steps.length}, before its tool call was carried out`;
    } else if (finish) {
      trajectory.outcome = "answered";
      trajectory.answer = String((finish.input as { answer?: unknown }).answer ?? "");
      if (task.answerFile) {
        const written = await readAnswerFile(workspace, task.answerFile);
        trajectory.answer = written ?? "";
        if (written === undefined) {
          trajectory.outcome = "gave-up";
          trajectory.error = `the agent wrote no ${task.answerFile}`;
        }
      }
    } else if (steps.length >= options.maxTurns) {
      trajectory.outcome = "max-turns";
      trajectory.error = `no answer after ${steps.length} turns (limit ${options.maxTurns})`;
    } else {
      trajectory.outcome = "gave-up";
      trajectory.error = `the agent stopped after ${steps.length} turns without calling ${TOOL.finish}`;
    }
  } catch (error) {
    if (systemError) throw systemError;
    if (timeout.aborted) {
      trajectory.outcome = "timeout";
      trajectory.error = `the task took longer than ${options.taskTimeoutSec} s`;
    } else if (error instanceof SkillgradError) {
      throw error;
    } else {
      trajectory.outcome = "error";
      trajectory.error = `agent crashed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  trajectory.ms = Date.now() - started;
  trajectory.files = await filesWrittenSince(workspace, before);
  return {
    taskId: task.id,
    repeat,
    answer: trajectory.answer,
    outcome: trajectory.outcome,
    ...(trajectory.error ? { error: trajectory.error } : {}),
    workspace,
    files: trajectory.files,
    trajectory,
    ...(stoppedEarly() ? { stoppedEarly: true } : {}),
  };
}
