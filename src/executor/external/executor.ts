import { SkillgradError } from "../../errors.js";
import type { ModelHub } from "../../models/index.js";
import { createWorkspace } from "../../sandbox/index.js";
import { skillHash } from "../../skill/index.js";
import type { Task } from "../../tasks/types.js";
import { readAnswerFile } from "../answer-file.js";
import type { RunOutcome, TokenUsage, Trajectory, TrajectoryStep } from "../trajectory.js";
import type { Executor, ExecutorKind, TaskRun, TaskRunRequest } from "../types.js";
import { filesWrittenSince, snapshotWorkspace } from "../workspace-changes.js";
import { type AgentEndpoint, type BridgeReport, openEndpoint } from "./endpoint.js";
import { findAgentProgram } from "./program.js";
import { type AgentProcessResult, runAgentProcess } from "./run-agent.js";
import { copySkillInto } from "./skill-copy.js";
import type { PathContext } from "./steps.js";

/** How one task run of the agent ended, as its adapter reads its events. */
export interface AgentConclusion {
  outcome: RunOutcome;
  /** The agent's final message ("" when none). */
  finalText: string;
  error?: string;
  /**
   * Usage the agent reported for itself: the ledger's figures when it called its provider directly.
   * `byModel` splits it by the provider's model names when the agent does (Claude Code may call a
   * second model); `ownCostUsd` is the agent's own dollar figure, kept for comparison only.
   */
  reported?: {
    usage: TokenUsage & { cacheWrite?: number };
    byModel?: Record<string, TokenUsage & { cacheWrite?: number }>;
    ownCostUsd?: number;
    calls: number;
  };
  /** The model service refused the key: every task would fail the same way. */
  systemic?: string;
  /** What the agent said about itself, kept in the trajectory. */
  info: Record<string, unknown>;
}

/** What a stream parser gives the adapter and the executor. */
export interface AgentStream {
  push(line: string): void;
  readonly steps: TrajectoryStep[];
}

export interface RunContext {
  task: Task;
  request: TaskRunRequest;
  workspace: string;
  /** The prompt the agent gets (the task, its files, and how to give the answer). */
  prompt: string;
  endpoint: AgentEndpoint;
  paths: PathContext;
}

/** One external agent (Claude Code, Codex): how it is started and how its output reads. */
export interface AgentAdapter<S extends AgentStream> {
  kind: ExecutorKind;
  /** The program's name on PATH, a label for messages, how to install it. */
  program: { name: string; label: string; install: string };
  nativeProvider: "anthropic" | "openai";
  baseWithV1: boolean;
  /** Folder of the workspace where this agent discovers skills (the skill goes in `<folder>/<name>/`). */
  skillFolder: string;
  /** Extra files the agent needs in the workspace before it starts (e.g. AGENTS.md). */
  prepare?(context: RunContext): Promise<void>;
  args(context: RunContext): string[];
  env(context: RunContext): Record<string, string>;
  /** The agent's event reader; `stop` ends the agent early (it says why in its conclusion). */
  stream(context: RunContext, started: number, stop: () => void): S;
  conclude(stream: S, process: AgentProcessResult, context: RunContext): AgentConclusion;
}

export interface ExternalDeps {
  hub: ModelHub;
  executorModel: string;
  bin?: string;
  /** Where keys and base URLs are read (default: process.env); only the model's key is passed on. */
  env?: Record<string, string | undefined>;
}

/** The line every external agent's prompt ends with: where its answer goes. */
export function answerInstruction(task: Task): string {
  return task.answerFile
    ? `When you are done, write just the final answer (no explanation) to the file ${task.answerFile} in the working directory.`
    : "When you are done, reply with just the final answer, with no explanation.";
}

let runCounter = 0;

/**
 * An external agent as an Executor (see types.ts for the contract): a fresh workspace with the
 * task's files and the skill where the agent discovers skills; the agent program run in the sandbox
 * with a scratch HOME and only its model key; its events read into the shared trajectory.
 */
export function externalExecutor<S extends AgentStream>(
  adapter: AgentAdapter<S>,
  deps: ExternalDeps,
): Executor {
  const program = findAgentProgram(
    adapter.program.name,
    adapter.program.label,
    adapter.program.install,
    deps.bin,
  );
  const env = deps.env ?? process.env;
  return {
    kind: adapter.kind,
    close: async () => {},
    async run(request: TaskRunRequest): Promise<TaskRun> {
      const { task, skill } = request;
      deps.hub.checkBudget();
      const started = Date.now();
      const workspace = await createWorkspace(request.workspaceRoot, task.files);
      const skillDir = skill ? await copySkillInto(skill, workspace, adapter.skillFolder) : undefined;
      // competing skills (a trigger evaluation's) go where the agent discovers skills, like the skill
      for (const other of request.otherSkills ?? [])
        await copySkillInto(other, workspace, adapter.skillFolder);
      const endpoint = await openEndpoint({
        hub: deps.hub,
        executorModel: deps.executorModel,
        nativeProvider: adapter.nativeProvider,
        baseWithV1: adapter.baseWithV1,
        env,
      });
      let bridge: BridgeReport | undefined;
      let stoppedEarly = false;
      let conclusion: AgentConclusion;
      let stream: S;
      const context: RunContext = {
        task,
        request,
        workspace,
        prompt: agentPrompt(task),
        endpoint,
        paths: { workspace, ...(skillDir && skill ? { skillDir, skillName: skill.name } : {}) },
      };
      let before: Awaited<ReturnType<typeof snapshotWorkspace>> = new Map();
      try {
        await adapter.prepare?.(context);
        before = await snapshotWorkspace(workspace);
        const early = new AbortController();
        stream = adapter.stream(context, started, () => early.abort());
        const shown = new Set<string>();
        // request.stopAt sees each tool call as soon as its event arrives; saying stop kills the agent
        const watchCalls = () => {
          if (!request.stopAt || stoppedEarly) return;
          for (const call of stream.steps.flatMap((step) => step.toolCalls)) {
            if (shown.has(call.id)) continue;
            shown.add(call.id);
            const seen = {
              name: call.name,
              input: call.input,
              ...(call.native ? { native: call.native } : {}),
            };
            if (request.stopAt(seen)) {
              stoppedEarly = true;
              early.abort();
              return;
            }
          }
        };
        const agent = await runAgentProcess({
          program: program.path,
          args: adapter.args(context),
          workspace,
          readOnlyDirs: program.readOnlyDirs,
          env: adapter.env(context),
          sandbox: request.sandbox,
          timeoutMs: request.taskTimeoutSec * 1000,
          onLine: (line) => {
            stream.push(line);
            watchCalls();
          },
          signal: early.signal,
        });
        conclusion = adapter.conclude(stream, agent, context);
        if (stoppedEarly) {
          conclusion = {
            ...conclusion,
            outcome: "gave-up",
            finalText: "",
            error: `stopped by the caller at tool call ${shown.size}`,
          };
          delete conclusion.systemic;
        } else if (agent.timedOut) {
          conclusion.outcome = "timeout";
          conclusion.error = `the task took longer than ${request.taskTimeoutSec} s; ${adapter.program.name} and every process it started were killed`;
        }
      } finally {
        bridge = await endpoint.finish();
      }
      if (conclusion.systemic) throw new SkillgradError(conclusion.systemic);
      if (conclusion.outcome !== "answered" && !stoppedEarly) {
        // a budget the bridge ran into, or a model that failed under it, would fail every task
        deps.hub.checkBudget();
        if (bridge && bridge.failures.length > 0 && bridge.modelCalls === 0)
          throw new SkillgradError(
            `the executor model ${deps.executorModel} failed under ${adapter.program.name}: ${bridge.failures[0]}`,
          );
      }
      let answer = conclusion.finalText.trim();
      if (task.answerFile) {
        const written = await readAnswerFile(workspace, task.answerFile);
        answer = written ?? "";
        if (written === undefined && conclusion.outcome === "answered") {
          conclusion.outcome = "gave-up";
          conclusion.error = `the agent wrote no ${task.answerFile}`;
        }
      } else if (conclusion.outcome === "answered" && answer === "") {
        conclusion.outcome = "gave-up";
        conclusion.error = "the agent ended without a final answer";
      }
      const usage = bridge?.usage ?? conclusion.reported?.usage ?? { input: 0, cachedInput: 0, output: 0 };
      const reported = conclusion.reported;
      // direct: the agent's tokens at skillgrad's prices (config overrides apply), per model when split
      const costUsd = bridge ? bridge.costUsd : reported ? priceReported(deps, adapter, reported) : null;
      if (!bridge && conclusion.reported) {
        runCounter += 1;
        deps.hub.recordExternal("executor", {
          model: deps.executorModel,
          label: `${adapter.kind}:${task.id}:r${request.repeat}:${runCounter}`,
          calls: conclusion.reported.calls,
          inputTokens: usage.input,
          cachedInputTokens: usage.cachedInput,
          cacheWriteTokens: conclusion.reported.usage.cacheWrite ?? 0,
          outputTokens: usage.output,
          costUsd,
          ms: Date.now() - started,
        });
      }
      const files = await filesWrittenSince(workspace, before);
      const trajectory: Trajectory = {
        taskId: task.id,
        repeat: request.repeat,
        executor: adapter.kind,
        skill: skill ? { name: skill.name, hash: skillHash(skill) } : null,
        model: deps.executorModel,
        system: `(${adapter.program.label}'s own system prompt)`,
        prompt: context.prompt,
        steps: stream.steps,
        answer,
        outcome: conclusion.outcome,
        ...(conclusion.error ? { error: conclusion.error } : {}),
        usage: { input: usage.input, cachedInput: usage.cachedInput, output: usage.output },
        costUsd,
        files,
        agent: {
          ...conclusion.info,
          endpoint: endpoint.mode,
          ...(bridge
            ? { bridge: { requests: bridge.requests, byApi: bridge.byApi, modelCalls: bridge.modelCalls } }
            : {}),
          // the agent's own accounting: the ledger's source when direct; beside the bridge's figures
          // (which the ledger holds) when bridged, so no call is counted twice
          reportedUsage: conclusion.reported ?? null,
        },
        ms: Date.now() - started,
      };
      return {
        taskId: task.id,
        repeat: request.repeat,
        answer,
        outcome: trajectory.outcome,
        ...(trajectory.error ? { error: trajectory.error } : {}),
        workspace,
        files,
        trajectory,
        ...(stoppedEarly ? { stoppedEarly: true } : {}),
      };
    },
  };
}

function priceReported(
  deps: ExternalDeps,
  adapter: { nativeProvider: string },
  reported: NonNullable<AgentConclusion["reported"]>,
): number | null {
  const parts = reported.byModel
    ? Object.entries(reported.byModel).map(
        ([name, usage]) => [`${adapter.nativeProvider}:${name}`, usage] as const,
      )
    : [[deps.executorModel, reported.usage] as const];
  let total = 0;
  for (const [model, usage] of parts) {
    const cost = deps.hub.costFor(model, {
      inputTokens: usage.input,
      cachedInputTokens: usage.cachedInput,
      cacheWriteTokens: usage.cacheWrite ?? 0,
      outputTokens: usage.output,
    });
    if (cost === null) return null;
    total += cost;
  }
  return Math.round(total * 1e6) / 1e6;
}

/** The task as an external agent gets it: the same text and file list as the built-in agent's. */
function agentPrompt(task: Task): string {
  const files = task.files.length > 0 ? task.files.map((file) => `- ${file.to}`).join("\n") : "(none)";
  return `${task.prompt}\n\nFiles in your working directory:\n${files}\n\n${answerInstruction(task)}`;
}
