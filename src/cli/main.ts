#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { errorMessage, SkillgradError } from "../errors.js";
import { VERSION } from "../version.js";
import { commands } from "./commands/index.js";
// registers the offline simulation as the `sim` model provider
import "../sim/index.js";

export function buildProgram(): Command {
  const program = new Command("skillgrad")
    .description(
      "Make an agent skill measurably better on your own tasks: run it, grade it, diagnose failures, " +
        "and patch the skill, the way gradient descent improves a parameter.",
    )
    .version(VERSION, "-V, --version", "print the version")
    .option("--debug", "print stack traces for errors")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes("--debug");
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version "errors" are normal exits; everything else is a usage error.
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return 0;
      if (error.code === "commander.help") return 0;
      return 2;
    }
    if (error instanceof SkillgradError) {
      process.stderr.write(`skillgrad: ${error.message}\n`);
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      return error.exitCode;
    }
    process.stderr.write(`skillgrad: unexpected error: ${errorMessage(error)}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    else process.stderr.write("skillgrad: run again with --debug for details, and please report it.\n");
    return 1;
  }
}

const code = await main(process.argv);
process.exitCode = code;
