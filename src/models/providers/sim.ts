import { SkillgradError } from "../../errors.js";
import { FREE } from "../price-table.js";
import { createSimModel, simOptionsFromSpec } from "../sim/index.js";
import { type ProviderRecord, SpecProblem } from "./record.js";

/** `sim`: the offline simulation (not a language model). */
export const simProvider: ProviderRecord = {
  name: "sim",
  forms: ["sim", "sim:noise=<0-1>,seed=<n>,latency=<ms>"],
  needs: "an offline simulation, not a language model",
  bareName: true,
  parse(rest) {
    try {
      simOptionsFromSpec(rest); // a typo in the options fails here, before any work
    } catch (error) {
      if (error instanceof SkillgradError) throw new SpecProblem(error.message);
      throw error;
    }
    return { modelId: rest === "" ? "sim" : rest };
  },
  baseURL: () => "sim",
  price: () => FREE,
  create: (spec) => createSimModel(simOptionsFromSpec(spec.modelId === "sim" ? "" : spec.modelId)),
  // Runs in this process and answers at once: no limit unless the config names one for "sim".
  concurrency: { default: Number.POSITIVE_INFINITY, ownConcurrency: true },
  simulated: true,
};
