import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { nonNegativeInt, positiveInt, positiveNumber, unitInterval } from "../parse.js";

interface ServeCliOptions {
  model?: string;
  host: string;
  port: number;
  ledger: string;
  config?: string;
  cache: boolean;
  cacheDir: string;
  maxCost?: number;
  maxCalls?: number;
  faults?: string;
  faultRate?: number;
  faultSeed: number;
  latency?: number;
  quiet: boolean;
}

export function register(program: Command): void {
  program
    .command("serve")
    .description(
      "serve a model behind the OpenAI (Chat Completions, Responses) and Anthropic (Messages) APIs, " +
        "so external agents such as Claude Code or Codex can run on it",
    )
    .option("--model <model>", "the model to serve (any --model form, e.g. sim or local:gemma3-270m)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0: any free port)", nonNegativeInt, 8765)
    .option(
      "--ledger <file>",
      "one JSON line per request: api, status, fault, tokens, cost",
      "serve-ledger.jsonl",
    )
    .option("--config <file>", "JSON or YAML config: prices, concurrency, retries (as for eval)")
    .option("--no-cache", "call the model even when an identical request was answered before")
    .option("--cache-dir <dir>", "response cache folder", "runs/.cache")
    .option("--max-cost <usd>", "refuse requests once this many dollars are spent", positiveNumber)
    .option("--max-calls <n>", "refuse requests after this many model calls", positiveInt)
    .option(
      "--faults <list>",
      "inject faults, for testing clients: 429,500,reset,timeout,malformed,truncated",
    )
    .option(
      "--fault-rate <r>",
      "with --faults: share of requests that get a fault, 0–1 (default 0.1)",
      unitInterval,
    )
    .option(
      "--fault-seed <n>",
      "with --faults: seed of the fault choice (same seed, same faults)",
      nonNegativeInt,
      1,
    )
    .option("--latency <ms>", "wait this long before every answer", nonNegativeInt)
    .option("--quiet", "print only the address")
    .addHelpText(
      "after",
      [
        "",
        "Endpoints (base URL http://HOST:PORT/v1; the /v1 prefix is optional):",
        "  POST /v1/chat/completions        OpenAI Chat Completions (tools, streaming)",
        "  POST /v1/responses               OpenAI Responses API (tools, streaming; stateless: store=false)",
        "  POST /v1/messages                Anthropic Messages (tool_use, streaming)",
        "  POST /v1/messages/count_tokens   Anthropic token counting",
        "  GET  /v1/models                  the served model (any model name a client asks for is served by it)",
        "",
        "Examples:",
        "  skillgrad serve --model sim --port 8765",
        "  ANTHROPIC_BASE_URL=http://127.0.0.1:8765 ANTHROPIC_API_KEY=unused claude -p 'hello'",
        "  skillgrad eval --bench sim --model openai-compatible:http://127.0.0.1:8765/v1#sim",
      ].join("\n"),
    )
    .action(async (options: ServeCliOptions) => {
      await serveCommand(options);
    });
}

async function serveCommand(options: ServeCliOptions): Promise<void> {
  if (!options.model) throw new UsageError("choose the model to serve with --model (e.g. --model sim)");
  if (options.faults === undefined && (options.faultRate !== undefined || options.faultSeed !== 1)) {
    throw new UsageError("--fault-rate and --fault-seed need --faults (the kinds of fault to inject)");
  }
  const [{ ModelHub, parseModelSpec }, { startServer, parseFaultKinds }, { hubSettings, readConfigFile }] =
    await Promise.all([
      import("../../models/index.js"),
      import("../../serve/index.js"),
      import("../config-file.js"),
    ]);
  await import("../../sim/index.js"); // registers the `sim` provider
  const model = parseModelSpec(options.model).raw;
  const faults =
    options.faults === undefined
      ? undefined
      : { kinds: parseFaultKinds(options.faults), rate: options.faultRate ?? 0.1, seed: options.faultSeed };
  const config = readConfigFile(options.config);
  const hub = new ModelHub({
    roles: { executor: model },
    cacheDir: resolve(options.cacheDir),
    cache: options.cache,
    ...hubSettings(config),
    budget: { maxCostUsd: options.maxCost, maxCalls: options.maxCalls },
  });
  const ledgerPath = resolve(options.ledger);
  const server = await startServer({
    hub,
    model,
    host: options.host,
    port: options.port,
    ledgerPath,
    faults,
    latencyMs: options.latency,
  });
  process.stdout.write(`listening on ${server.url}\n`);
  if (!options.quiet) {
    process.stderr.write(
      `skillgrad serve: ${model} — OpenAI base URL ${server.url}/v1, Anthropic base URL ${server.url}\n` +
        `ledger: ${ledgerPath}${faults ? `; injecting ${faults.kinds.join(",")} faults in ${faults.rate * 100}% of requests (seed ${faults.seed})` : ""}\n` +
        "stop with Ctrl-C\n",
    );
  }
  await new Promise<void>((resolveStop) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      void server.close().then(resolveStop);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
