import type { Command } from "commander";
import { formatOptimizeSummary, isSimulated } from "../output.js";
import { jsonSummary } from "./optimize/json-summary.js";
import { addOptimizeOptions, type OptimizeCliOptions } from "./optimize/options.js";
import { optimizeCommand } from "./optimize/run.js";

export function register(program: Command): void {
  addOptimizeOptions(
    program
      .command("demo")
      .description(
        "optimize the sim world's seed skill offline with the sim model — a SIMULATION: the sim model is not a " +
          "language model; it shows the optimizer's machinery (diagnose, momentum, patch) raising test accuracy",
      ),
  )
    .addHelpText(
      "after",
      "\nThe demo is `skillgrad optimize --bench sim --model sim:noise=0.1` with the options above.\n" +
        "Try the ablations: skillgrad demo --no-momentum   skillgrad demo --no-contrastive\n" +
        "On a real model: skillgrad demo --model local:gemma3-270m --iterations 1 (after skillgrad models pull gemma3-270m)",
    )
    .action(async (options: OptimizeCliOptions) => {
      const demo: OptimizeCliOptions = {
        ...options,
        bench: options.bench ?? "sim",
        model: options.model ?? "sim:noise=0.1",
      };
      if (!demo.json && !demo.quiet) {
        const simulated = [demo.model, demo.executorModel, demo.optimizerModel].every(
          (model) => model === undefined || isSimulated(model),
        );
        process.stderr.write(
          simulated
            ? "skillgrad demo — a simulation: the sim model plays every role offline; no real model is called.\n"
            : `skillgrad demo — the same loop on ${demo.model}, a real model: each call takes real time (and, for a paid API, money); --iterations N keeps it short.\n`,
        );
      }
      const summary = await optimizeCommand(demo);
      process.stdout.write(
        demo.json ? `${JSON.stringify(jsonSummary(summary), null, 2)}\n` : formatOptimizeSummary(summary),
      );
    });
}
