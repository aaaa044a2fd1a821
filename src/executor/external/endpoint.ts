import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ModelHub } from "../../models/index.js";
import { providerFor } from "../../models/providers/index.js";
import { parseModelSpec } from "../../models/spec.js";
import { readServeLedger, startServer } from "../../serve/index.js";
import type { TokenUsage } from "../trajectory.js";

/**
 * How an external agent reaches its model:
 * - "direct": the executor model is the agent's own provider (anthropic:… for Claude Code, openai:…
 *   for Codex): the agent calls it itself with the user's key; the hub never sees those calls, so
 *   the agent's reported usage goes into the ledger (see recordExternal).
 * - "bridged": any other model (sim, local:…, ollama:…, openai-compatible:…): skillgrad serves the
 *   hub's executor model to the agent on 127.0.0.1 for the one task run (the `skillgrad serve` code),
 *   so the hub's cache, retries, budgets and ledger apply to every call; the agent gets a random key.
 */
export type EndpointMode = "direct" | "bridged";

export interface AgentEndpoint {
  mode: EndpointMode;
  /** The model name the agent is told to use. */
  model: string;
  /** Where the agent sends its calls; undefined: the agent's default for its provider. */
  baseURL?: string;
  /** The key the agent sends (direct: the user's; bridged: a random one serve ignores). */
  key: string;
  /** Closes the bridge and says what the run's calls spent (undefined when direct). */
  finish(): Promise<BridgeReport | undefined>;
}

/** What the agent asked of the bridge during one task run, from serve's request ledger. */
export interface BridgeReport {
  requests: number;
  /** Requests per API (messages, count_tokens, responses, chat.completions, models, unknown …). */
  byApi: Record<string, number>;
  modelCalls: number;
  usage: TokenUsage;
  /** null when a call's price is unknown. */
  costUsd: number | null;
  /** Requests the model behind the bridge failed (500s, budget refusals), one line each. */
  failures: string[];
}

export interface EndpointRequest {
  hub: ModelHub;
  executorModel: string;
  /** The provider the agent speaks natively, and how its base URL is written for the agent. */
  nativeProvider: "anthropic" | "openai";
  /** Claude Code appends /v1/messages itself; Codex wants the /v1 base. */
  baseWithV1: boolean;
  env: Record<string, string | undefined>;
}

export function endpointMode(executorModel: string, nativeProvider: string): EndpointMode {
  return parseModelSpec(executorModel).provider === nativeProvider ? "direct" : "bridged";
}

export async function openEndpoint(request: EndpointRequest): Promise<AgentEndpoint> {
  const spec = parseModelSpec(request.executorModel);
  if (spec.provider === request.nativeProvider) {
    const record = providerFor(spec);
    const variable = record.key?.variable ?? "";
    const base = record.baseURL(spec, request.env).replace(/\/+$/, "");
    return {
      mode: "direct",
      model: spec.modelId,
      baseURL: request.baseWithV1 ? base : base.replace(/\/v1$/, ""),
      key: request.env[variable]?.trim() ?? "",
      finish: async () => undefined,
    };
  }
  const scratch = await mkdtemp(join(tmpdir(), "skillgrad-bridge-"));
  const ledgerPath = join(scratch, "requests.jsonl");
  const server = await startServer({
    hub: request.hub,
    role: "executor",
    model: request.executorModel,
    port: 0,
    ledgerPath,
  });
  return {
    mode: "bridged",
    // the agent's name for the model: the part after the provider prefix is enough for its records
    model: /^[\w.:-]+$/.test(spec.modelId) ? spec.modelId : spec.provider,
    baseURL: request.baseWithV1 ? `${server.url}/v1` : server.url,
    key: `skillgrad-bridge-${Math.random().toString(36).slice(2)}`,
    finish: async () => {
      await server.close();
      try {
        return reportOf(await readServeLedger(ledgerPath).catch(() => []));
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  };
}

function reportOf(lines: Awaited<ReturnType<typeof readServeLedger>>): BridgeReport {
  const byApi: Record<string, number> = {};
  const usage = { input: 0, cachedInput: 0, output: 0 };
  let costUsd: number | null = 0;
  let modelCalls = 0;
  const failures: string[] = [];
  for (const line of lines) {
    byApi[line.api] = (byApi[line.api] ?? 0) + 1;
    if (line.modelCall) modelCalls += 1;
    usage.input += line.inputTokens;
    usage.cachedInput += line.cachedInputTokens;
    usage.output += line.outputTokens;
    costUsd = costUsd === null || line.costUsd === null ? null : costUsd + line.costUsd;
    if (line.error && (line.status === null || line.status >= 429))
      failures.push(`${line.api} ${line.status ?? "dropped"}: ${line.error}`);
  }
  return {
    requests: lines.length,
    byApi,
    modelCalls,
    usage,
    costUsd: costUsd === null ? null : Math.round(costUsd * 1e6) / 1e6,
    failures,
  };
}
