import { agentInfo, endedWithout, overOutputLimit } from "../external/conclusion.js";
import type { AgentAdapter, AgentConclusion, RunContext } from "../external/executor.js";
import type { AgentProcessResult } from "../external/run-agent.js";
import { CodexStream } from "./events.js";

/** TOML string for a `-c key=value` override. */
const toml = (value: string) => JSON.stringify(value);

/**
 * Codex (`codex exec --json`) as an executor. Codex 0.171 discovers skills in `.agents/skills/` of
 * the folder it works in (and its own under CODEX_HOME), so the skill version goes to
 * `.agents/skills/<name>/`. Its model provider is configured on the command line (`-c`): the
 * endpoint (the bridge, or the OpenAI API with the user's key), the Responses API. Codex's own
 * sandbox and approvals are off: it runs inside skillgrad's. Codex has no turn limit of its own:
 * it is stopped after `--max-turns` steps.
 */
export const codexAdapter: AgentAdapter<CodexStream> = {
  kind: "codex",
  program: { name: "codex", label: "Codex", install: "npm i -g @openai/codex" },
  nativeProvider: "openai",
  baseWithV1: true,
  skillFolder: ".agents/skills",
  args(context: RunContext) {
    const provider = [
      `model_provider=${toml("skillgrad")}`,
      `model_providers.skillgrad.name=${toml("skillgrad")}`,
      `model_providers.skillgrad.base_url=${toml(context.endpoint.baseURL ?? "")}`,
      `model_providers.skillgrad.env_key=${toml("OPENAI_API_KEY")}`,
      `model_providers.skillgrad.wire_api=${toml("responses")}`,
      // nothing but model calls leaves the sandbox
      "analytics.enabled=false",
      "check_for_update_on_startup=false",
    ];
    return [
      "exec",
      "--json",
      "--color",
      "never",
      "--skip-git-repo-check",
      "--ephemeral",
      "--dangerously-bypass-approvals-and-sandbox",
      "--model",
      context.endpoint.model,
      ...provider.flatMap((setting) => ["-c", setting]),
      "--",
      context.prompt,
    ];
  },
  env(context: RunContext) {
    return { OPENAI_API_KEY: context.endpoint.key };
  },
  stream: (context: RunContext, started: number, stop: () => void) =>
    new CodexStream(context.paths, started, context.request.maxTurns, stop),
  conclude: concludeCodex,
};

export function concludeCodex(
  stream: CodexStream,
  agent: AgentProcessResult,
  context: RunContext,
): AgentConclusion {
  const skillName = context.paths.skillName;
  const info = agentInfo(stream, agent, {
    head: {
      program: "codex",
      ...(skillName ? { skillInvoked: stream.invokedSkills.includes(skillName) } : {}),
    },
    middle: { turns: stream.turns },
    tail: stream.notes.length > 0 ? { notes: stream.notes } : {},
  });
  const usage = stream.usage;
  // Codex reports tokens, not dollars: the executor prices them (reported.costUsd left undefined)
  const reported = usage
    ? {
        usage: { input: usage.input, cachedInput: usage.cachedInput, output: usage.output + usage.reasoning },
        calls: stream.turns,
      }
    : undefined;
  const base = { finalText: stream.finalText, info, ...(reported ? { reported } : {}) };
  if (agent.outputLimitExceeded) return overOutputLimit(base, "codex");
  if (stream.overLimit)
    return {
      ...base,
      outcome: "max-turns",
      error: `no answer after ${context.request.maxTurns} steps (the turn limit); codex was stopped`,
    };
  if (stream.failure) {
    if (
      context.endpoint.mode === "direct" &&
      /\b(401|403)\b|unauthori[sz]ed|invalid api key/i.test(stream.failure)
    )
      return {
        ...base,
        outcome: "error",
        systemic: `the OpenAI API refused the key for Codex: check OPENAI_API_KEY (${stream.failure.slice(0, 200)})`,
      };
    return { ...base, outcome: "error", error: `codex failed: ${stream.failure.slice(0, 300)}` };
  }
  if (!stream.completed) return endedWithout(base, stream, agent, "codex", "completing its turn");
  return { ...base, outcome: "answered" };
}
