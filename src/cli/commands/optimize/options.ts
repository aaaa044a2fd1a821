import type { Command } from "commander";
import { DEFAULT_SETTINGS } from "../../../optimizer/optimize.js";
import type { Gate } from "../../../optimizer/types.js";
import {
  addBudgetOptions,
  addRunOptions,
  addTaskSourceOptions,
  type BudgetOptions,
  type RunOptions,
  type TaskSourceOptions,
} from "../../options/index.js";
import { nonNegativeInt, oneOf, positiveInt } from "../../parse.js";

export interface OptimizeCliOptions extends RunOptions, TaskSourceOptions, BudgetOptions {
  skill?: string;
  split: string;
  optimizerModel?: string;
  judgeModel?: string;
  iterations?: number;
  batchSize: number;
  trainSize: number;
  trainFrom: "failures" | "all";
  epochs: number;
  earlyStop: number;
  gate: Gate;
  maxAnchors: number;
  seed: number;
  momentum: boolean;
  contrastive: boolean;
  baseMaxTurns: number;
  diagnoserTurns: number;
  momentumTurns: number;
  patcherTurns: number;
  resume?: string;
  writeBack: boolean;
  feedback?: string;
  triggerQueries?: string;
  triggerLibrary?: string;
  triggerRepeat: number;
}

/** The options of `optimize` (and `demo`, which is optimize with other defaults). */
export function addOptimizeOptions(command: Command): Command {
  addRunOptions(command).option("--skill <dir>", "the seed skill folder to improve");
  addTaskSourceOptions(command, {
    tasks: "JSONL task file (see skillgrad eval --help)",
    bench: "a built-in benchmark instead of --tasks: wtq, spreadsheetbench, sim",
    data: "with --bench: a prepared data folder (default: the small offline example)",
  })
    .option(
      "--split <spec>",
      "paper (two seeds: --seed, and paper:heldout-seed=N for validation/test) | ratio:pool=0.5,validation=0.1,test=0.4 | a split manifest FILE",
      "ratio:pool=0.5,validation=0.1,test=0.4",
    )
    .option("--optimizer-model <model>", "model for diagnosing, momentum and patching")
    .option("--judge-model <model>", "model for llm-judge graders (default: --model)")
    .option("--iterations <n>", "stop after n iterations (default: every batch of every epoch)", positiveInt)
    .option("--batch-size <b>", "tasks per iteration", positiveInt, DEFAULT_SETTINGS.batchSize)
    .option(
      "--train-size <n>",
      "training tasks sampled from the pool",
      positiveInt,
      DEFAULT_SETTINGS.trainSize,
    )
    .option(
      "--train-from <which>",
      "failures (of the seed skill on the pool, as published) or all",
      oneOf("failures", "all"),
      DEFAULT_SETTINGS.trainFrom,
    )
    .option("--epochs <n>", "passes over the training set", positiveInt, DEFAULT_SETTINGS.epochs)
    .option(
      "--early-stop <n>",
      "stop after n consecutive batches with no failure",
      positiveInt,
      DEFAULT_SETTINGS.earlyStop,
    )
    .option(
      "--gate <gate>",
      "validation gate: none (as published), nonneg (no worse), strict (better)",
      oneOf("none", "nonneg", "strict"),
      DEFAULT_SETTINGS.gate,
    )
    .option(
      "--max-anchors <n>",
      "edit budget: anchors the patcher may edit per step",
      positiveInt,
      DEFAULT_SETTINGS.maxAnchors,
    )
    .option("--seed <n>", "seed for sampling and batches", nonNegativeInt, DEFAULT_SETTINGS.seed)
    .option(
      "--base-max-turns <n>",
      "executor turn limit of the base run of the seed skill over the pool",
      positiveInt,
      DEFAULT_SETTINGS.baseMaxTurns,
    )
    .option(
      "--diagnoser-turns <n>",
      "turn limit of each diagnoser session (its tool calls included)",
      positiveInt,
      DEFAULT_SETTINGS.diagnoserTurns,
    )
    .option(
      "--momentum-turns <n>",
      "turn limit of the momentum keeper",
      positiveInt,
      DEFAULT_SETTINGS.momentumTurns,
    )
    .option(
      "--patcher-turns <n>",
      "turn limit of each patcher session",
      positiveInt,
      DEFAULT_SETTINGS.patcherTurns,
    )
    .option("--no-momentum", "ablation: no pattern memory; the patcher sees raw diagnoses")
    .option("--no-contrastive", "ablation: do not diagnose tasks that failed before and pass now");
  return addBudgetOptions(command)
    .option(
      "--resume <run>",
      "continue a stopped or killed run (its folder) where it stopped; with --max-cost/--max-calls, under a new budget",
    )
    .option(
      "--write-back",
      "at the end, write the best version into --skill file by file (other files, modes and .git/ stay; a backup copy goes to the run folder)",
    )
    .option(
      "--trigger-queries <file>",
      "joint optimization: trigger queries (see skillgrad triggers) whose mis-triggers join the loss; the description gets their diagnoses",
    )
    .option(
      "--trigger-library <dir>",
      "with --trigger-queries: the competing skills (default: the small library in examples/skill-library)",
    )
    .option("--trigger-repeat <n>", "with --trigger-queries: runs per query", positiveInt, 3)
    .option(
      "--feedback <file>",
      "feedback.json exported from a report's review mode: a person's notes go to the diagnoser with their tasks, marked as human",
    );
}
