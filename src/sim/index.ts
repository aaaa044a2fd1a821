import { type ProviderRecord, registerProvider } from "../models/index.js";
import { createSimModel, simOptionsFromSpec } from "./model.js";

/**
 * The offline SIMULATION (`sim`, `sim:noise=0.1,seed=3,latency=50`) as a model provider. Importing
 * this module registers it with the model layer (src/models knows only the ProviderRecord contract);
 * the CLI and the library entry point import it, so `--model sim` works wherever a model does.
 */
export const simProvider: ProviderRecord = {
  name: "sim",
  form: "sim",
  parse(rest) {
    simOptionsFromSpec(rest); // a typo in the options fails here, before any work
    return rest === "" ? "sim" : rest;
  },
  create: (spec) => createSimModel(simOptionsFromSpec(spec.raw.replace(/^sim:?/, ""))),
  baseURL: "sim",
  price: { input: 0, cachedInput: 0, output: 0 },
  inProcess: true,
};

registerProvider(simProvider);

export { createSimModel, type SimModelOptions, simOptionsFromSpec } from "./model.js";
