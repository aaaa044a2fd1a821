import type { Command } from "commander";
import { modelFormsHelp, modelSpecForms } from "../../models/index.js";

/** The model flags every run command takes; a command adds the per-role flags of the roles it has. */
export interface ModelOptions {
  model?: string;
  executorModel?: string;
}

export function addModelOptions(command: Command): Command {
  // read when help is shown, so providers registered later are listed too
  command.addHelpText("after", () => `\nModels (--model and the per-role options):\n${modelFormsHelp()}\n`);
  return command
    .option("--model <model>", `model for every role: ${modelSpecForms().join(", ")} (see "Models" below)`)
    .option("--executor-model <model>", "model for the agent that uses the skill (overrides --model)");
}
