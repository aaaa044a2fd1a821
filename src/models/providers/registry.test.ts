import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { FREE } from "../price-table.js";
import { priceFor } from "../prices.js";
import { parseModelSpec } from "../spec.js";
import { createProviderModel, isSimulatedModel, keyVariableFor, modelFormsHelp } from "./index.js";
import { type ProviderRecord, SpecProblem } from "./record.js";
import { providerNamed, registerProvider } from "./registry.js";

// Vitest isolates test files, so the record registered here stays in this file.
function providerRecord(name: string): ProviderRecord {
  const record = providerNamed(name);
  if (!record) throw new Error(`no ${name} record`);
  return record;
}

describe("provider records", () => {
  it("give the accepted forms, help text and key variables", () => {
    const help = modelFormsHelp();
    for (const form of ["openai:<model>", "anthropic:<model>", "ollama:<model>", "openai-compatible:"]) {
      expect(help).toContain(form);
    }
    expect(help).toContain("OPENAI_API_KEY");
    expect(keyVariableFor("anthropic")).toBe("ANTHROPIC_API_KEY");
    expect(keyVariableFor("ollama")).toBeUndefined();
    expect(isSimulatedModel("openai:gpt-4.1")).toBe(false);
  });

  it("let one registered record add a provider everywhere", () => {
    const mock = new MockLanguageModelV3({ modelId: "echo" });
    registerProvider({
      name: "test-echo",
      forms: ["test-echo:<word>"],
      needs: "nothing",
      parse(rest) {
        if (!/^\w+$/.test(rest)) throw new SpecProblem("a word is needed");
        return { modelId: rest };
      },
      baseURL: () => "echo",
      price: () => FREE,
      create: () => mock,
      simulated: true,
    });
    expect(parseModelSpec("test-echo:hello")).toMatchObject({ provider: "test-echo", modelId: "hello" });
    expect(() => parseModelSpec("test-echo:two words")).toThrow(/a word is needed.*test-echo:<word>/);
    expect(() => parseModelSpec("nope:x")).toThrow(/test-echo:<word>/);
    expect(priceFor("test-echo:hello")).toEqual(FREE);
    expect(createProviderModel("test-echo:hello", {})).toBe(mock);
    expect(modelFormsHelp()).toContain("test-echo:<word>  (nothing)");
    expect(providerNamed("test-echo")?.name).toBe("test-echo");
    expect(isSimulatedModel("test-echo:hello")).toBe(true);
  });

  it("rejects a provider name that could not be typed as a prefix", () => {
    expect(() => registerProvider({ ...providerRecord("ollama"), name: "Bad Name" })).toThrow(
      /invalid provider name/,
    );
  });
});
