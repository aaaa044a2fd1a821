import type { Command } from "commander";
import { formatOptimizeSummary } from "../output.js";
import { jsonSummary } from "./optimize/json-summary.js";
import { addOptimizeOptions, type OptimizeCliOptions } from "./optimize/options.js";
import { optimizeCommand } from "./optimize/run.js";

export function register(program: Command): void {
  addOptimizeOptions(
    program
      .command("optimize")
      .description(
        "improve a skill on your tasks: run it, grade it, diagnose failures and contrastive successes, keep a " +
          "momentum memory of recurring patterns, patch the skill layer by layer, and keep the best version",
      ),
  )
    .addHelpText(
      "after",
      "\nExample (offline; `sim` is a simulation, not a language model):\n  skillgrad optimize --bench sim --model sim\n",
    )
    .action(async (options: OptimizeCliOptions) => {
      const summary = await optimizeCommand(options);
      process.stdout.write(
        options.json ? `${JSON.stringify(jsonSummary(summary), null, 2)}\n` : formatOptimizeSummary(summary),
      );
    });
}
