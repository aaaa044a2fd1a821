import { describe, expect, it } from "vitest";
import { SkillgradError } from "../errors.js";
import {
  createProviderModel,
  isSimulatedModel,
  modelFormsHelp,
  parseModelSpec,
  priceFor,
} from "../models/index.js";
import "./index.js";

describe("the sim provider (a simulation)", () => {
  it("maps sim and sim:<options> to the simulation, rejecting bad options up front", () => {
    expect(parseModelSpec("sim")).toMatchObject({ provider: "sim", modelId: "sim" });
    expect(parseModelSpec("sim:noise=0.2")).toMatchObject({ provider: "sim", modelId: "noise=0.2" });
    expect(parseModelSpec("sim:")).toMatchObject({ provider: "sim", modelId: "sim" });
    expect(createProviderModel("sim", {}).provider).toBe("sim");
    expect(createProviderModel("sim:noise=0.1,seed=3", {}).specificationVersion).toBe("v3");
    expect(() => parseModelSpec("sim:noise=lots")).toThrow(SkillgradError);
  });

  it("is free, and listed among the accepted model forms", () => {
    expect(priceFor("sim")).toEqual({ input: 0, cachedInput: 0, output: 0 });
    expect(() => parseModelSpec("gpt-4.1")).toThrow(/, sim,/);
    expect(isSimulatedModel("sim:noise=0.1")).toBe(true);
    expect(modelFormsHelp()).toContain("sim | sim:noise=<0-1>,seed=<n>,latency=<ms>  (an offline simulation");
  });
});
