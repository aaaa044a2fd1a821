import type { Command } from "commander";
import { addBudgetOptions } from "../options/index.js";
import { nonNegativeInt, oneOf, positiveInt, unitInterval } from "../parse.js";
import { triggersEval } from "./triggers/eval.js";
import { formatTriggerEval, formatTriggerOptimize } from "./triggers/format.js";
import { triggersOptimize } from "./triggers/optimize.js";
import {
  addTriggerOptions,
  type TriggerCliOptions,
  type TriggerOptimizeCliOptions,
} from "./triggers/options.js";
// Registers the offline simulation as the `sim` model provider.
import "../../sim/index.js";

export function register(program: Command): void {
  const triggers = program
    .command("triggers")
    .description(
      "when the skill gets used: measure how often an agent activates it for should- and should-not-trigger " +
        "queries among competing skills, and optimize its description for held-out F1",
    );

  addTriggerOptions(
    triggers
      .command("eval")
      .description(
        "run each query with the skill installed next to competing skills; each run stops once activation " +
          "is decided; trigger rate per query, precision, recall and F1 with 95% intervals",
      ),
  )
    .addHelpText(
      "after",
      [
        "",
        "Activation is read per executor: activate_skill (built-in agent), the Skill tool (Claude Code), a",
        "read of the skill's SKILL.md (Codex). A run stops at the first activation of any installed skill, or",
        "after --patience other tool calls; the task itself is not carried out.",
        "",
        "Example (offline; `sim` is a simulation, not a language model):",
        "  skillgrad triggers eval --skill examples/sim-world/skills/csv-analyst \\",
        "    --queries examples/triggers/csv-analyst.queries.jsonl --model sim",
      ].join("\n"),
    )
    .action(async (options: TriggerCliOptions) => {
      const summary = await triggersEval(options, options.repeat);
      process.stdout.write(
        options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatTriggerEval(summary),
      );
    });

  const optimize = addTriggerOptions(
    triggers
      .command("optimize")
      .description(
        "optimize the skill's description: diagnose missed and false triggers on training queries, propose a " +
          "new description, keep the best by held-out F1",
      ),
  )
    .option("--optimizer-model <model>", "model for the diagnoser and the description editor")
    .option("--holdout <share>", "share of each kind of query held out (0–1)", unitInterval, 0.4)
    .option("--seed <n>", "seed of the train/held-out split", nonNegativeInt, 0)
    .option("--iterations <n>", "descriptions to propose at most", positiveInt, 5)
    .option(
      "--gate <gate>",
      "when a candidate replaces the current description: nonneg (held-out F1 no worse), strict (better), none",
      oneOf("nonneg", "strict", "none"),
      "nonneg",
    )
    .option(
      "--test-queries <file>",
      "a separate query set never used for choosing: the seed and the best version are measured on it",
    );
  addBudgetOptions(optimize)
    .option("--resume <run>", "continue a stopped or killed trigger run (its folder) where it stopped")
    .addHelpText(
      "after",
      [
        "",
        "The queries are split (seeded, by kind) into training and held-out sets. Each iteration the diagnoser",
        "reads the training mistakes with the competing descriptions, the editor proposes a description (set",
        "through the confined set_description edit: at most 1024 characters, one paragraph), and the candidate",
        "is evaluated on both sets. The best version is the one with the highest held-out F1; it is copied to",
        "best/ in the run folder. Held-out F1 chooses the version, so it flatters the best one a little: give",
        "--test-queries for a measurement nothing was chosen on.",
        "",
        "Example (offline; `sim` is a simulation, not a language model):",
        "  skillgrad triggers optimize --skill examples/triggers/seeds/vague/csv-analyst \\",
        "    --queries examples/triggers/csv-analyst.queries.jsonl --model sim",
      ].join("\n"),
    )
    .action(async (options: TriggerOptimizeCliOptions) => {
      const summary = await triggersOptimize(options, options.repeat);
      process.stdout.write(
        options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatTriggerOptimize(summary),
      );
    });
}
