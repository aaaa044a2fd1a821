import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
} from "@ai-sdk/provider";
import { SkillgradError } from "../errors.js";
import { EXECUTOR_ROLE_LINE } from "../executor/builtin/protocol.js";
import { fileToolsHarness, fileToolsStep } from "./agent/file-tools.js";
import { shellHarness, shellStep } from "./agent/shell.js";
import { offeredTools, readTranscript } from "./agent/transcript.js";
import { readConversation } from "./conversation.js";
import { simExecutorStep } from "./executor.js";
import { simMoreRolesReply } from "./more-roles.js";
import { simRoleStep } from "./roles.js";

export interface SimModelOptions {
  /** Probability (0–1) that a simulated decision goes the other way; seeded, so runs repeat. */
  noise?: number;
  seed?: number;
  /** Artificial latency per call, for benchmarks. */
  latencyMs?: number;
}

/** Reads `sim` options from a model string's tail, e.g. `sim:noise=0.1,seed=3,latency=50`. */
export function simOptionsFromSpec(rest: string): SimModelOptions {
  const options: SimModelOptions = {};
  for (const pair of rest.split(",").filter(Boolean)) {
    const [key, raw] = pair.split("=");
    const value = Number(raw);
    if (raw === undefined || Number.isNaN(value)) {
      throw new SkillgradError(`bad sim option "${pair}": use sim:noise=0.1,seed=3,latency=50`);
    }
    if (key === "noise" && value >= 0 && value <= 1) options.noise = value;
    else if (key === "seed") options.seed = value;
    else if (key === "latency" && value >= 0) options.latencyMs = value;
    else throw new SkillgradError(`bad sim option "${pair}": noise is 0–1, latency ≥ 0 ms, seed a number`);
  }
  return options;
}

const estimateTokens = (chars: number) => Math.ceil(chars / 4);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ms <= 0) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

/**
 * `sim`: a deterministic, offline SIMULATION of a language model. It plays the executor on the
 * sim world's tasks through the same prompts and tools a real model gets (see executor.ts), and the
 * optimizer's diagnoser, momentum keeper and patcher (see roles.ts) by reading their prompts. It
 * knows nothing else; token counts are estimates (characters / 4) and it costs nothing.
 */
export function createSimModel(options: SimModelOptions = {}): LanguageModelV3 {
  const noise = options.noise ?? 0;
  const seed = options.seed ?? 1;
  return {
    specificationVersion: "v3",
    provider: "sim",
    modelId: "sim",
    supportedUrls: {},
    async doGenerate(call: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
      await sleep(options.latencyMs ?? 0, call.abortSignal);
      const conversation = readConversation(call.prompt);
      const promptChars = JSON.stringify(call.prompt).length;
      let content: LanguageModelV3Content[];
      const settings = { noise, seed, callSeed: call.seed ?? 0 };
      const offered = offeredTools(call);
      const fileTools = fileToolsHarness(offered);
      const shell = fileTools ? undefined : shellHarness(offered);
      if (conversation.system.startsWith(EXECUTOR_ROLE_LINE)) {
        const action = simExecutorStep(conversation, settings);
        content = [
          {
            type: "tool-call",
            toolCallId: `sim-call-${conversation.calls.length + 1}`,
            toolName: action.tool,
            input: JSON.stringify(action.input),
          },
        ];
      } else if (fileTools) {
        // an external agent's harness with file tools (Claude Code), recognised by its tools' schemas
        content = fileToolsStep(readTranscript(call.prompt), fileTools, settings);
      } else if (shell) {
        // an external agent's harness whose one tool is a shell (Codex), recognised by its schema
        content = shellStep(readTranscript(call.prompt), shell, settings);
      } else {
        const step = simRoleStep(conversation, { noise, seed });
        const text = step ? undefined : simMoreRolesReply(conversation.system, conversation.userMessages);
        content =
          step && "tool" in step
            ? [
                {
                  type: "tool-call",
                  toolCallId: `sim-call-${conversation.calls.length + 1}`,
                  toolName: step.tool,
                  input: JSON.stringify(step.input),
                },
              ]
            : [
                {
                  type: "text",
                  text:
                    (step && "text" in step ? step.text : text) ??
                    "The sim model only simulates the roles it was built for.",
                },
              ];
      }
      const outputChars = JSON.stringify(content).length;
      return {
        content,
        finishReason: { unified: content[0]?.type === "tool-call" ? "tool-calls" : "stop", raw: undefined },
        usage: {
          inputTokens: {
            total: estimateTokens(promptChars),
            noCache: undefined,
            cacheRead: 0,
            cacheWrite: undefined,
          },
          outputTokens: { total: estimateTokens(outputChars), text: undefined, reasoning: 0 },
        },
        warnings: [],
      };
    },
    async doStream() {
      throw new SkillgradError("the sim model does not stream");
    },
  };
}
