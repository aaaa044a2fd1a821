// skillgrad serve driven by the official OpenAI and Anthropic npm clients, on 127.0.0.1.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import Anthropic from "@anthropic-ai/sdk";
import { MockLanguageModelV3 } from "ai/test";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelHub } from "../models/index.js";
import { readServeLedger } from "./request-ledger.js";
import { type RunningServer, startServer } from "./server.js";

function usage(input: number, output: number): LanguageModelV3GenerateResult["usage"] {
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: undefined },
    outputTokens: { total: output, text: output, reasoning: undefined },
  };
}

/**
 * A scripted model: after a tool result it reports what the tool said; with function tools offered
 * it calls the first one; with a JSON response format it answers JSON; otherwise it echoes.
 */
function toolModel(calls: LanguageModelV3CallOptions[]) {
  return new MockLanguageModelV3({
    doGenerate: async (options) => {
      calls.push(options);
      const last = options.prompt.at(-1);
      if (last?.role === "tool") {
        const part = last.content[0];
        const said = part?.type === "tool-result" && part.output.type === "text" ? part.output.value : "?";
        return {
          content: [{ type: "text", text: `tool said: ${said}` }],
          finishReason: { unified: "stop", raw: "stop" },
          usage: usage(30, 5),
          warnings: [],
        };
      }
      const tool = options.tools?.find((candidate) => candidate.type === "function");
      if (tool) {
        const input =
          tool.name === "apply_patch" ? { input: "*** Begin Patch\n*** End Patch" } : { city: "Paris" };
        return {
          content: [
            {
              type: "tool-call",
              toolCallId: `call_${calls.length}`,
              toolName: tool.name,
              input: JSON.stringify(input),
            },
          ],
          finishReason: { unified: "tool-calls", raw: "tool_calls" },
          usage: usage(20, 8),
          warnings: [],
        };
      }
      if (options.responseFormat?.type === "json") {
        return {
          content: [{ type: "text", text: '{"ok":true}' }],
          finishReason: { unified: "stop", raw: "stop" },
          usage: usage(10, 4),
          warnings: [],
        };
      }
      const user = last?.role === "user" && last.content[0]?.type === "text" ? last.content[0].text : "";
      const text = `you said: ${user} — a long enough answer to arrive in several stream chunks`;
      return {
        content: [{ type: "text", text }],
        finishReason: { unified: "stop", raw: "stop" },
        usage: usage(12, 6),
        warnings: [],
      };
    },
  });
}

const weather = {
  name: "get_weather",
  description: "the weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

let server: RunningServer;
let ledgerPath: string;
const calls: LanguageModelV3CallOptions[] = [];
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "serve-clients-"));
  ledgerPath = join(dir, "ledger.jsonl");
  const model = toolModel(calls);
  const hub = new ModelHub({ roles: { executor: "ollama:scripted" }, createModel: () => model });
  server = await startServer({ hub, model: "ollama:scripted", ledgerPath });
  openai = new OpenAI({ apiKey: "unused", baseURL: `${server.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: "unused", baseURL: server.url, maxRetries: 0 });
});

afterAll(async () => {
  await server?.close();
});

describe("OpenAI Chat Completions", () => {
  it("answers, with usage, under the model name asked for", async () => {
    const completion = await openai.chat.completions.create({
      model: "gpt-4.1-mini",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "hello" },
      ],
    });
    expect(completion.model).toBe("gpt-4.1-mini");
    expect(completion.choices[0]?.message.content).toMatch(/^you said: hello/);
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 });
    expect(calls.at(-1)?.prompt[0]).toEqual({ role: "system", content: "be brief" });
  });

  it("calls a tool and reads its result on the next turn", async () => {
    const first = await openai.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "weather in Paris?" }],
      tools: [{ type: "function", function: weather }],
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call?.type === "function" && call.function).toMatchObject({
      name: "get_weather",
      arguments: '{"city":"Paris"}',
    });
    expect(calls.at(-1)?.tools?.[0]).toMatchObject({
      type: "function",
      name: "get_weather",
      inputSchema: weather.parameters,
    });
    const second = await openai.chat.completions.create({
      model: "m",
      messages: [
        { role: "user", content: "weather in Paris?" },
        first.choices[0]?.message as OpenAI.ChatCompletionAssistantMessageParam,
        { role: "tool", tool_call_id: call?.id ?? "", content: "18C and sunny" },
      ],
    });
    expect(second.choices[0]?.message.content).toBe("tool said: 18C and sunny");
  });

  it("streams text and tool calls as chunks, with usage at the end when asked", async () => {
    const stream = await openai.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "stream me" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let chunks = 0;
    let total: number | undefined;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) total = chunk.usage.total_tokens;
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toMatch(/^you said: stream me — a long enough answer/);
    expect(total).toBe(18);

    const runner = openai.chat.completions.stream({
      model: "m",
      messages: [{ role: "user", content: "weather?" }],
      tools: [{ type: "function", function: weather }],
    });
    const final = await runner.finalChatCompletion();
    const streamedCall = final.choices[0]?.message.tool_calls?.[0];
    expect(streamedCall?.type === "function" && streamedCall.function).toMatchObject({
      name: "get_weather",
      arguments: '{"city":"Paris"}',
    });
  });

  it("passes a JSON schema response format on", async () => {
    const completion = await openai.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "json please" }],
      response_format: { type: "json_schema", json_schema: { name: "ok", schema: { type: "object" } } },
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? "")).toEqual({ ok: true });
    expect(calls.at(-1)?.responseFormat).toMatchObject({ type: "json", name: "ok" });
  });

  it("refuses a request of the wrong shape in OpenAI's error format", async () => {
    const error = await openai.chat.completions
      .create({ model: "m" } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({
      type: "invalid_request_error",
      param: "messages",
      message: "messages: Field required",
    });
    const raw = await fetch(`${server.url}/v1/chat/completions`, { method: "POST", body: "{not json" });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });
});

describe("OpenAI Responses API", () => {
  it("answers text and calls function and custom tools, as Codex uses them", async () => {
    const plain = await openai.responses.create({
      model: "gpt-5",
      instructions: "be brief",
      input: "hi there",
    });
    expect(plain.output_text).toMatch(/^you said: hi there/);
    expect(plain.status).toBe("completed");
    expect(plain.usage).toMatchObject({ input_tokens: 12, output_tokens: 6 });

    const withTool = await openai.responses.create({
      model: "gpt-5",
      input: [{ role: "user", content: [{ type: "input_text", text: "weather?" }] }],
      tools: [{ type: "function", strict: false, ...weather }],
    });
    const call = withTool.output.find((item) => item.type === "function_call");
    expect(call).toMatchObject({ name: "get_weather", arguments: '{"city":"Paris"}' });

    const next = await openai.responses.create({
      model: "gpt-5",
      input: [
        { role: "user", content: [{ type: "input_text", text: "weather?" }] },
        {
          type: "function_call",
          call_id: call?.type === "function_call" ? call.call_id : "",
          name: "get_weather",
          arguments: '{"city":"Paris"}',
        },
        {
          type: "function_call_output",
          call_id: call?.type === "function_call" ? call.call_id : "",
          output: "rain",
        },
      ],
    });
    expect(next.output_text).toBe("tool said: rain");

    const custom = await openai.responses.create({
      model: "gpt-5",
      input: "patch it",
      tools: [{ type: "custom", name: "apply_patch", description: "apply a patch" }],
    });
    expect(custom.output.find((item) => item.type === "custom_tool_call")).toMatchObject({
      name: "apply_patch",
      input: "*** Begin Patch\n*** End Patch",
    });
  });

  it("streams the events Codex reads, ending in response.completed", async () => {
    const stream = await openai.responses.create({
      model: "gpt-5",
      input: "stream this",
      tools: [{ type: "function", strict: false, ...weather }],
      stream: true,
    });
    const types: string[] = [];
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.completed") completed = event.response;
    }
    expect(types[0]).toBe("response.created");
    expect(types).toContain("response.output_item.added");
    expect(types).toContain("response.function_call_arguments.delta");
    expect(types).toContain("response.output_item.done");
    expect(types.at(-1)).toBe("response.completed");
    expect(completed?.output.find((item) => item.type === "function_call")).toMatchObject({
      name: "get_weather",
    });

    const text = openai.responses.stream({ model: "gpt-5", input: "words" });
    const final = await text.finalResponse();
    expect(final.output_text).toMatch(/^you said: words/);
  });

  it("refuses a request of the wrong shape", async () => {
    const error = await openai.responses
      .create({ model: "gpt-5" } as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ param: "input" });
  });
});

describe("Anthropic Messages API", () => {
  const tool = {
    name: "get_weather",
    description: "weather",
    input_schema: { type: "object" as const, properties: { city: { type: "string" } } },
  };

  it("answers, uses tools and reads tool results, as Claude Code does", async () => {
    const plain = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      system: [{ type: "text", text: "You are an agent.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: "hello" }],
    });
    expect(plain.model).toBe("claude-sonnet-4-5");
    expect(plain.content[0]).toMatchObject({ type: "text" });
    expect(plain.stop_reason).toBe("end_turn");
    expect(plain.usage).toMatchObject({ input_tokens: 12, output_tokens: 6 });
    expect(calls.at(-1)?.prompt[0]).toEqual({ role: "system", content: "You are an agent." });

    const first = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      tools: [tool],
      messages: [{ role: "user", content: [{ type: "text", text: "weather?" }] }],
    });
    expect(first.stop_reason).toBe("tool_use");
    const use = first.content.find((block) => block.type === "tool_use");
    expect(use).toMatchObject({ name: "get_weather", input: { city: "Paris" } });
    const second = await anthropic.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      tools: [tool],
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: use?.type === "tool_use" ? use.id : "",
              content: [{ type: "text", text: "snow" }],
            },
          ],
        },
      ],
    });
    expect(second.content[0]).toMatchObject({ type: "text", text: "tool said: snow" });
  });

  it("streams text and tool_use blocks with the SDK's stream helper", async () => {
    const textStream = anthropic.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 50,
      messages: [{ role: "user", content: "stream" }],
    });
    let deltas = 0;
    textStream.on("text", () => {
      deltas += 1;
    });
    const text = await textStream.finalMessage();
    expect(deltas).toBeGreaterThan(1);
    expect(text.content[0]?.type === "text" && text.content[0].text).toMatch(/^you said: stream/);

    const toolStream = anthropic.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 50,
      tools: [tool],
      messages: [{ role: "user", content: "weather" }],
    });
    const message = await toolStream.finalMessage();
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content.find((block) => block.type === "tool_use")).toMatchObject({
      input: { city: "Paris" },
    });
    expect(message.usage.output_tokens).toBe(8);
  });

  it("counts tokens and lists models", async () => {
    const count = await anthropic.messages.countTokens({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "how many tokens is this?" }],
      tools: [tool],
    });
    expect(count.input_tokens).toBeGreaterThan(5);
    const models = await anthropic.models.list();
    expect(models.data[0]).toMatchObject({ type: "model", id: "ollama:scripted" });
    const openaiModels = await openai.models.list();
    expect(openaiModels.data[0]).toMatchObject({ object: "model", id: "ollama:scripted" });
  });

  it("refuses a request of the wrong shape in Anthropic's error format", async () => {
    const error = await anthropic.messages
      .create({
        model: "claude",
        messages: [{ role: "user", content: "x" }],
      } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error", message: "max_tokens: Field required" },
    });
    const orphan = await anthropic.messages
      .create({
        model: "claude",
        max_tokens: 10,
        messages: [
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_nope", content: "x" }] },
        ],
      })
      .catch((caught: unknown) => caught);
    expect(orphan).toBeInstanceOf(Anthropic.BadRequestError);
    const missing = await fetch(`${server.url}/v1/messages/batches`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });
});

describe("the ledger", () => {
  it("has one line per request, with the API, status and the model call's tokens", async () => {
    const lines = await readServeLedger(ledgerPath);
    const apis = new Set(lines.map((line) => line.api));
    for (const api of ["chat.completions", "responses", "messages", "count_tokens", "models"])
      expect(apis).toContain(api);
    const refused = lines.filter((line) => line.status === 400);
    expect(refused.length).toBeGreaterThanOrEqual(4);
    expect(refused.every((line) => line.error && !line.modelCall)).toBe(true);
    const answered = lines.filter((line) => line.modelCall);
    expect(answered.every((line) => line.status === 200 && line.inputTokens > 0)).toBe(true);
    expect(answered.some((line) => line.stream)).toBe(true);
  });
});
