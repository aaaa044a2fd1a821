import { availableParallelism } from "node:os";
import type {
  ChatWrapper,
  Llama,
  LlamaChat,
  LlamaContext,
  LlamaContextSequence,
  LlamaModel,
} from "node-llama-cpp";
import { errorMessage, SkillgradError } from "../../errors.js";
import { importOptional } from "../../util/optional-import.js";

type NodeLlamaCpp = typeof import("node-llama-cpp");

/** The node-llama-cpp release skillgrad is built and tested against. */
export const NODE_LLAMA_CPP_VERSION = "3.21.1";

export const NODE_LLAMA_CPP_MISSING =
  `local models need node-llama-cpp, which is not installed: run \`npm i node-llama-cpp@${NODE_LLAMA_CPP_VERSION}\`` +
  ` where skillgrad is installed (\`npm i -g node-llama-cpp@${NODE_LLAMA_CPP_VERSION}\` for a global skillgrad)`;

/**
 * Loads node-llama-cpp only when a `local:` model is used: it is an optional peer dependency
 * (hundreds of MB with its prebuilt binaries), so a plain install of skillgrad stays small.
 */
export function importNodeLlamaCpp(
  load: () => Promise<NodeLlamaCpp> = () => import("node-llama-cpp"),
): Promise<NodeLlamaCpp> {
  return importOptional(load, /node-llama-cpp/, NODE_LLAMA_CPP_MISSING);
}

export interface RuntimeSettings {
  /** CPU threads per evaluation. */
  threads: number;
  /** Parallel sequences (independent conversations evaluated in one batch). */
  sequences: number;
  /** Tokens each sequence can hold. */
  contextTokens: number;
  /** Output tokens of a call that sets no limit. */
  maxTokens: number;
}

type Env = Record<string, string | undefined>;

function positiveSetting(env: Env, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new SkillgradError(`${name}=${text} is not a whole number ≥ 1: fix or unset it`);
  }
  return value;
}

/**
 * Threads default to all cores but one (at most 4): on a shared machine, llama.cpp's threads wait
 * on each other when another process takes a core, and one thread is then much faster than two.
 */
export function runtimeSettings(env: Env = process.env): RuntimeSettings {
  return {
    threads: positiveSetting(
      env,
      "SKILLGRAD_LOCAL_THREADS",
      Math.max(1, Math.min(4, availableParallelism() - 1)),
    ),
    sequences: positiveSetting(env, "SKILLGRAD_LOCAL_SEQUENCES", 4),
    contextTokens: positiveSetting(env, "SKILLGRAD_LOCAL_CONTEXT", 8192),
    maxTokens: positiveSetting(env, "SKILLGRAD_LOCAL_MAX_TOKENS", 512),
  };
}

/** One loaded model, shared by every call of the process: one context, a pool of sequences. */
export interface LocalRuntime {
  lib: NodeLlamaCpp;
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  chatWrapper: ChatWrapper;
  /** The sequences' context size, as created. */
  contextSize: number;
  settings: RuntimeSettings;
  acquire(signal?: AbortSignal): Promise<Slot>;
}

/** A sequence lent to one call, with the chat that keeps its evaluated prefix for the next call. */
export interface Slot {
  sequence: LlamaContextSequence;
  chat: LlamaChat;
  release(): void;
}

const runtimes = new Map<string, Promise<LocalRuntime>>();

/** The process's runtime for a GGUF file, loaded on first use (a failed load is retried next time). */
export function localRuntime(
  path: string,
  settings: RuntimeSettings,
  lib: () => Promise<NodeLlamaCpp>,
): Promise<LocalRuntime> {
  const key = `${path}\0${JSON.stringify(settings)}`;
  let runtime = runtimes.get(key);
  if (!runtime) {
    runtime = load(path, settings, lib);
    runtimes.set(key, runtime);
    runtime.catch(() => runtimes.delete(key));
  }
  return runtime;
}

async function load(
  path: string,
  settings: RuntimeSettings,
  libLoader: () => Promise<NodeLlamaCpp>,
): Promise<LocalRuntime> {
  const lib = await libLoader();
  const llama = await lib.getLlama({
    gpu: false,
    maxThreads: settings.threads,
    logLevel: lib.LlamaLogLevel.error,
  });
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: path });
  } catch (error) {
    throw new SkillgradError(`could not load the local model ${path}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const max = Math.min(settings.contextTokens, model.trainContextSize);
  let context: LlamaContext | undefined;
  // Fewer parallel sequences when memory is short, down to one; then give up with what to change.
  for (
    let sequences = settings.sequences;
    sequences >= 1 && !context;
    sequences = Math.floor(sequences / 2)
  ) {
    try {
      context = await model.createContext({
        sequences,
        contextSize: { min: Math.min(2048, max), max },
        threads: settings.threads,
      });
    } catch (error) {
      if (!(error instanceof lib.InsufficientMemoryError) || sequences === 1) {
        throw new SkillgradError(
          `not enough memory for the local model's context (${errorMessage(error)}): set SKILLGRAD_LOCAL_CONTEXT lower (now ${settings.contextTokens} tokens)`,
          { cause: error },
        );
      }
    }
  }
  if (!context) throw new SkillgradError("could not create a context for the local model");
  const chatWrapper = lib.resolveChatWrapper(model);
  const free: Slot[] = [];
  const waiting: Array<(slot: Slot) => void> = [];
  const ready = context;
  const makeSlot = (sequence: LlamaContextSequence): Slot => {
    const slot: Slot = {
      sequence,
      chat: new lib.LlamaChat({ contextSequence: sequence, chatWrapper, autoDisposeSequence: false }),
      release: () => {
        const next = waiting.shift();
        if (next) next(slot);
        else free.push(slot);
      },
    };
    return slot;
  };
  for (let i = 0; i < ready.totalSequences; i++) free.push(makeSlot(ready.getSequence()));
  return {
    lib,
    llama,
    model,
    context: ready,
    chatWrapper,
    contextSize: ready.contextSize,
    settings,
    acquire: (signal) =>
      new Promise<Slot>((resolveSlot, reject) => {
        signal?.throwIfAborted();
        const slot = free.pop();
        if (slot) return resolveSlot(slot);
        const take = (given: Slot) => {
          signal?.removeEventListener("abort", onAbort);
          resolveSlot(given);
        };
        const onAbort = () => {
          const index = waiting.indexOf(take);
          if (index >= 0) waiting.splice(index, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        waiting.push(take);
      }),
  };
}
