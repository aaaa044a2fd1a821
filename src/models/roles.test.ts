import "../sim/index.js"; // registers the `sim` provider these tests use
import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { resolveRoleModels } from "./roles.js";

describe("resolveRoleModels", () => {
  it("gives --model to every role", () => {
    expect(resolveRoleModels({ model: "openai:gpt-4.1-mini" })).toEqual({
      executor: "openai:gpt-4.1-mini",
      diagnoser: "openai:gpt-4.1-mini",
      momentum: "openai:gpt-4.1-mini",
      patcher: "openai:gpt-4.1-mini",
      judge: "openai:gpt-4.1-mini",
    });
  });

  it("lets --executor-model and --optimizer-model override --model for their roles", () => {
    const roles = resolveRoleModels({
      model: "sim",
      executorModel: "openai:gpt-4.1-nano",
      optimizerModel: "anthropic:claude-sonnet-4-5",
    });
    expect(roles.executor).toBe("openai:gpt-4.1-nano");
    expect(roles.diagnoser).toBe("anthropic:claude-sonnet-4-5");
    expect(roles.momentum).toBe("anthropic:claude-sonnet-4-5");
    expect(roles.patcher).toBe("anthropic:claude-sonnet-4-5");
    expect(roles.judge).toBe("sim");
  });

  it("applies the documented precedence between flags and config", () => {
    const config = {
      default: "ollama:config-default",
      optimizer: "ollama:config-optimizer",
      patcher: "ollama:config-patcher",
      executor: "ollama:config-executor",
    };
    // Without flags: config per role > config optimizer > config default.
    expect(resolveRoleModels({ config })).toEqual({
      executor: "ollama:config-executor",
      diagnoser: "ollama:config-optimizer",
      momentum: "ollama:config-optimizer",
      patcher: "ollama:config-patcher",
      judge: "ollama:config-default",
    });
    // --model replaces the config default only; per-role config still wins over it.
    expect(resolveRoleModels({ config, model: "sim" })).toMatchObject({
      executor: "ollama:config-executor",
      diagnoser: "ollama:config-optimizer",
      patcher: "ollama:config-patcher",
      judge: "sim",
    });
    // Role flags beat per-role config.
    expect(resolveRoleModels({ config, executorModel: "sim", optimizerModel: "sim:seed=2" })).toMatchObject({
      executor: "sim",
      diagnoser: "sim:seed=2",
      patcher: "sim:seed=2",
    });
  });

  it("leaves roles a command does not need unset instead of failing", () => {
    const roles = resolveRoleModels({ executorModel: "sim", needed: ["executor"] });
    expect(roles).toEqual({ executor: "sim" });
    expect(() => resolveRoleModels({ executorModel: "sim", needed: ["executor", "judge"] })).toThrow(
      /no model chosen for the judge/,
    );
  });

  it("refuses to guess when a role has no model", () => {
    expect(() => resolveRoleModels({})).toThrow(UsageError);
    expect(() => resolveRoleModels({ executorModel: "sim" })).toThrow(
      /no model chosen for the diagnoser: pass --model/,
    );
  });

  it("rejects bad specs and unknown config keys", () => {
    expect(() => resolveRoleModels({ model: "gpt-4o" })).toThrow(/invalid model "gpt-4o"/);
    expect(() => resolveRoleModels({ config: { executer: "sim" } as never, model: "sim" })).toThrow(
      /invalid models in the config.*allowed keys/,
    );
  });
});
