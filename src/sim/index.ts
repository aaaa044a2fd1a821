import { errorMessage } from "../errors.js";
import { type ProviderRecord, registerProvider, SpecProblem } from "../models/index.js";
import { createSimModel, simOptionsFromSpec } from "./model.js";

/**
 * The offline SIMULATION (`sim`, `sim:noise=0.1,seed=3,latency=50`) as a model provider. Importing
 * this module registers it with the model layer (src/models knows only the ProviderRecord contract);
 * the CLI and the library entry point import it, so `--model sim` works wherever a model does.
 */
export const simProvider: ProviderRecord = {
  name: "sim",
  forms: ["sim", "sim:noise=<0-1>,seed=<n>,latency=<ms>"],
  needs: "an offline simulation, not a language model",
  bareName: true,
  parse(rest) {
    try {
      simOptionsFromSpec(rest); // a typo in the options fails here, before any work
    } catch (error) {
      throw new SpecProblem(errorMessage(error));
    }
    return { modelId: rest === "" ? "sim" : rest };
  },
  create: (spec) => createSimModel(simOptionsFromSpec(spec.raw.replace(/^sim:?/, ""))),
  baseURL: () => "sim",
  price: () => ({ input: 0, cachedInput: 0, output: 0 }),
  // runs in this process and answers at once: no limit unless the config names one for "sim"
  concurrency: { default: Number.POSITIVE_INFINITY, ownConcurrency: true },
  simulated: true,
};

registerProvider(simProvider);

export { createSimModel, type SimModelOptions, simOptionsFromSpec } from "./model.js";
