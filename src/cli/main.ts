#!/usr/bin/env node
import { Command, CommanderError, Help } from "commander";
import { errorMessage, SkillgradError, storageError } from "../errors.js";
import { removePendingTempFilesSync } from "../util/fs.js";
import { maskText } from "../util/secrets.js";
import { VERSION } from "../version.js";
import { commands } from "./commands/index.js";
import { interruptMessage } from "./interrupt.js";

/**
 * The commands the arguments may run: every word that is not an option. The command is one of
 * them (usually the first; a program option that took a value would shift it), and loading the
 * module of a word that turns out to be an option's value costs only time.
 */
export function invokedCommands(args: readonly string[]): Set<string> {
  return new Set(args.filter((arg) => !arg.startsWith("-")));
}

/**
 * The CLI for `args` (the arguments after the script). Only the invoked command's module is loaded;
 * the others are listed in `--help` from the table in commands/index.ts, so start-up stays fast.
 */
export async function buildProgram(args: readonly string[]): Promise<Command> {
  const listedOnly = new Map<Command, string>();
  const program = new Command("skillgrad")
    .description(
      "Make an agent skill measurably better on your own tasks: run it, grade it, diagnose failures, " +
        "and patch the skill, the way gradient descent improves a parameter.",
    )
    .version(VERSION, "-V, --version", "print the version")
    .option("--debug", "print stack traces for errors")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({
      subcommandTerm(this: Help, command: Command): string {
        const usage = listedOnly.get(command);
        if (usage === undefined) return Help.prototype.subcommandTerm.call(this, command);
        return usage === "" ? command.name() : `${command.name()} ${usage}`;
      },
    })
    .exitOverride();
  const wanted = invokedCommands(args);
  for (const entry of commands) {
    if (wanted.has(entry.name)) (await entry.load()).register(program);
    else {
      const listed = program.command(entry.name).description(entry.summary);
      // Never runs: a command named on the command line is loaded above.
      listed.action(() => {
        throw new Error(`command ${entry.name} was not loaded`);
      });
      listedOnly.set(listed, entry.usage);
    }
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv.slice(2));
  const debug = argv.includes("--debug");
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      // help and version "errors" are normal exits; everything else is a usage error.
      if (thrown.code === "commander.helpDisplayed" || thrown.code === "commander.version") return 0;
      if (thrown.code === "commander.help") return 0;
      return 2;
    }
    // a full or read-only disk is the user's to fix, not a bug: one line naming the folder
    const error = storageError(thrown) ?? thrown;
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

/**
 * What the CLI prints is masked like every record it writes (src/util/secrets.ts): a summary
 * names the model (its URL may hold credentials) and an error may quote what a server echoed back.
 */
function maskPrinted(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === "string" ? maskText(chunk) : chunk, ...rest)) as typeof stream.write;
}

/**
 * Process-level behaviour of the command-line tool: output piped into a reader that stops early
 * (`skillgrad … --help | head -1`) ends quietly, and Ctrl-C says how to go on.
 */
function installProcessHandlers(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  process.on("SIGINT", () => {
    removePendingTempFilesSync();
    try {
      process.stderr.write(`${process.stderr.isTTY ? "\n" : ""}${interruptMessage()}`);
    } finally {
      process.exit(130);
    }
  });
}

maskPrinted(process.stdout);
maskPrinted(process.stderr);
installProcessHandlers();
const code = await main(process.argv);
process.exitCode = code;
