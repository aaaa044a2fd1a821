import { agentInfo, endedWithout, overOutputLimit } from "../external/conclusion.js";
import type { AgentAdapter, AgentConclusion, RunContext } from "../external/executor.js";
import type { AgentProcessResult } from "../external/run-agent.js";
import { ClaudeStream } from "./events.js";

/** Claude Code's tools an unattended task run may use (no web, no subagents, no MCP). */
const TOOLS = ["Skill", "Read", "Write", "Edit", "Bash", "Glob", "Grep"];

/**
 * Claude Code (`claude -p`) as an executor. The skill version goes to `.claude/skills/<name>/` in
 * the workspace, where Claude Code discovers project skills. It runs with
 * `--output-format stream-json --verbose`, the executor model, `--max-turns`, the tools above
 * (allowed without asking: permission mode dontAsk) and no session saved; its events become the
 * trajectory (see events.ts).
 */
export const claudeCodeAdapter: AgentAdapter<ClaudeStream> = {
  kind: "claude-code",
  program: { name: "claude", label: "Claude Code", install: "npm i -g @anthropic-ai/claude-code" },
  nativeProvider: "anthropic",
  baseWithV1: false,
  skillFolder: ".claude/skills",
  args(context: RunContext) {
    const tools = (context.request.skill ? TOOLS : TOOLS.filter((tool) => tool !== "Skill")).join(",");
    return [
      "-p",
      "--output-format",
      "stream-json",
      "--verbose",
      "--model",
      context.endpoint.model,
      "--max-turns",
      String(context.request.maxTurns),
      "--tools",
      tools,
      "--allowedTools",
      tools,
      "--permission-mode",
      "dontAsk",
      "--no-session-persistence",
      "--strict-mcp-config",
      "--",
      context.prompt,
    ];
  },
  env(context: RunContext) {
    const commandMs = String(Math.round(context.request.commandTimeoutSec * 1000));
    return {
      ANTHROPIC_API_KEY: context.endpoint.key,
      ...(context.endpoint.baseURL ? { ANTHROPIC_BASE_URL: context.endpoint.baseURL } : {}),
      // no update checks, telemetry or error reports: only model calls leave the sandbox
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      DISABLE_AUTOUPDATER: "1",
      DISABLE_TELEMETRY: "1",
      DISABLE_ERROR_REPORTING: "1",
      // its shell commands get the same time limit as the built-in agent's
      BASH_DEFAULT_TIMEOUT_MS: commandMs,
      BASH_MAX_TIMEOUT_MS: commandMs,
    };
  },
  stream: (context: RunContext, started: number) => new ClaudeStream(context.paths, started),
  conclude: concludeClaude,
};

export function concludeClaude(
  stream: ClaudeStream,
  agent: AgentProcessResult,
  context: RunContext,
): AgentConclusion {
  const result = stream.result;
  const skillName = context.paths.skillName;
  const info = agentInfo(stream, agent, {
    head: {
      program: "claude",
      ...(stream.init?.version ? { version: stream.init.version } : {}),
      ...(stream.init
        ? {
            init: {
              model: stream.init.model,
              tools: stream.init.tools,
              skills: stream.init.skills,
              permissionMode: stream.init.permissionMode,
            },
          }
        : {}),
      ...(skillName ? { skillListed: stream.init?.skills.includes(skillName) ?? false } : {}),
    },
    tail: result
      ? { result: { subtype: result.subtype, isError: result.isError, numTurns: result.numTurns } }
      : {},
  });
  const reported = result?.usage
    ? {
        usage: result.usage,
        ...(result.byModel && Object.keys(result.byModel).length > 0 ? { byModel: result.byModel } : {}),
        ...(result.totalCostUsd !== undefined ? { ownCostUsd: result.totalCostUsd } : {}),
        calls: result.numTurns ?? stream.steps.length,
      }
    : undefined;
  const base = { finalText: result?.text ?? "", info, ...(reported ? { reported } : {}) };
  if (agent.outputLimitExceeded) return overOutputLimit(base, "claude");
  if (!result) return endedWithout(base, stream, agent, "claude", "a result event");
  if (result.subtype === "success" && !result.isError) return { ...base, outcome: "answered" };
  if (result.subtype === "error_max_turns")
    return {
      ...base,
      outcome: "max-turns",
      error: `no answer after ${result.numTurns ?? "?"} turns (limit ${context.request.maxTurns})`,
    };
  const detail = result.errors[0] ?? result.text ?? "";
  if (context.endpoint.mode === "direct" && (result.apiErrorStatus === 401 || result.apiErrorStatus === 403))
    return {
      ...base,
      outcome: "error",
      systemic: `the Anthropic API refused the key (HTTP ${result.apiErrorStatus}) for Claude Code: check ANTHROPIC_API_KEY${detail ? ` (${detail.slice(0, 200)})` : ""}`,
    };
  return {
    ...base,
    outcome: "error",
    error: `claude ended with ${result.subtype}${result.apiErrorStatus ? ` (API status ${result.apiErrorStatus})` : ""}: ${detail.slice(0, 300)}`,
  };
}
