import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SkillgradError } from "../../errors.js";
import { parseModelSpec } from "../spec.js";
import { checkGgufFile } from "./gguf-file.js";
import { chatHistory } from "./history.js";
import { importNodeLlamaCpp, runtimeSettings } from "./runtime.js";
import { grammarSchema } from "./schema.js";

const plenty = { free: () => 16e9, total: () => 32e9 };

describe("local model strings", () => {
  it("take a pulled model's name or a .gguf path", () => {
    expect(parseModelSpec("local:gemma3-270m")).toMatchObject({ provider: "local", modelId: "gemma3-270m" });
    expect(parseModelSpec("local:./models/x.gguf")).toMatchObject({ modelId: "./models/x.gguf" });
    expect(() => parseModelSpec("local:llama9")).toThrow(/neither a known model \(gemma3-270m\) nor a path/);
    expect(() => parseModelSpec("local:")).toThrow(/name a pulled model/);
  });
});

describe("local model files", () => {
  it("say how to install a missing model, and what is wrong with a bad file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gguf-"));
    await expect(checkGgufFile("gemma3-270m", join(dir, "none.gguf"), plenty)).rejects.toThrow(
      "local model gemma3-270m is not installed (no " +
        join(dir, "none.gguf") +
        "): run `skillgrad models pull gemma3-270m`",
    );
    await expect(checkGgufFile("./x.gguf", join(dir, "x.gguf"), plenty)).rejects.toThrow(
      /local model file .* not found: check the path/,
    );
    const text = join(dir, "notes.gguf");
    await writeFile(text, "this is not a model");
    await expect(checkGgufFile(text, text, plenty)).rejects.toThrow(/is not a GGUF model file/);
    const gguf = join(dir, "tiny.gguf");
    await writeFile(gguf, Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(4096)]));
    await expect(checkGgufFile(gguf, gguf, plenty)).resolves.toBe(4100);
    await expect(checkGgufFile(gguf, gguf, { free: () => 1000, total: () => 1e9 })).rejects.toThrow(
      /does not fit in free memory .* close other programs or use a smaller model/,
    );
    await expect(checkGgufFile(gguf, gguf, { free: () => 1000, total: () => 2000 })).rejects.toThrow(
      /larger than this machine's memory/,
    );
  });

  it("say exactly what to install when node-llama-cpp is missing", async () => {
    const missing = Object.assign(new Error("Cannot find package 'node-llama-cpp' imported from x"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    const caught = await importNodeLlamaCpp(() => Promise.reject(missing)).catch((error: unknown) => error);
    expect(caught).toBeInstanceOf(SkillgradError);
    expect((caught as Error).message).toContain("run `npm i node-llama-cpp@3.21.1`");
  });

  it("read their runtime settings from the environment, refusing nonsense", () => {
    expect(runtimeSettings({ SKILLGRAD_LOCAL_THREADS: "2", SKILLGRAD_LOCAL_SEQUENCES: "3" })).toMatchObject({
      threads: 2,
      sequences: 3,
      contextTokens: 8192,
    });
    expect(() => runtimeSettings({ SKILLGRAD_LOCAL_CONTEXT: "lots" })).toThrow(
      /SKILLGRAD_LOCAL_CONTEXT=lots/,
    );
  });
});

describe("prompts for node-llama-cpp", () => {
  it("attach each tool result to its call in the model's turn", () => {
    const warnings: never[] = [];
    const history = chatHistory(
      [
        { role: "system", content: "be an agent" },
        { role: "user", content: [{ type: "text", text: "read it" }] },
        {
          role: "assistant",
          content: [{ type: "tool-call", toolCallId: "c1", toolName: "read_file", input: { path: "a" } }],
        },
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "c1",
              toolName: "read_file",
              output: { type: "text", value: "1,2" },
            },
          ],
        },
      ],
      warnings,
    );
    expect(history).toEqual([
      { type: "system", text: "be an agent" },
      { type: "user", text: "read it" },
      {
        type: "model",
        response: [{ type: "functionCall", name: "read_file", params: { path: "a" }, result: "1,2" }],
      },
    ]);
  });

  it("reduce a JSON schema to the grammar's subset, and cap open strings on request", () => {
    const schema = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: {
        label: { type: "string", pattern: "^[a-z]+$" },
        kind: { enum: ["operation", "workflow"] },
        tags: { type: "array", items: { type: "string" }, maxItems: 3 },
        note: { anyOf: [{ type: "string" }, { type: "null" }] },
        count: { type: "integer", minimum: 0 },
      },
      required: ["label", "kind"],
      additionalProperties: false,
    };
    expect(grammarSchema(schema)).toEqual({
      type: "object",
      properties: {
        label: { type: "string" },
        kind: { enum: ["operation", "workflow"] },
        tags: { type: "array", items: { type: "string" }, maxItems: 3 },
        note: { oneOf: [{ type: "string" }, { type: "null" }] },
        count: { type: "integer" },
      },
      required: ["label", "kind"],
      additionalProperties: false,
    });
    expect(grammarSchema(schema, { stringCap: 50 })).toMatchObject({
      properties: { label: { type: "string", maxLength: 50 }, tags: { items: { maxLength: 50 } } },
    });
  });
});
