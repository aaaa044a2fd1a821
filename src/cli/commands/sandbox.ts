import type { Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { type Command, Option } from "commander";
import { UsageError } from "../../errors.js";
import {
  DEFAULT_LIMITS,
  FALLBACK_MEMORY_MB,
  limitNotes,
  runSandboxed,
  type SandboxMode,
  workspaceOwner,
} from "../../sandbox/index.js";
import { positiveInt, positiveNumber } from "../parse.js";

interface RunOptions {
  workspace: string;
  timeout: number;
  sandbox: SandboxMode;
  memory?: number;
  memoryTotal: number;
  disk: number;
  maxOutput: number;
  maxProcesses: number;
}

export function register(program: Command): void {
  const sandbox = program
    .command("sandbox")
    .description("run commands the way the agent's commands run: isolated, limited, without your secrets");

  sandbox
    .command("run")
    .description("run one command in a workspace folder under the sandbox and exit with its status")
    .requiredOption("--workspace <dir>", "existing folder to run in (the only place the command may write)")
    .option("--timeout <seconds>", "wall-clock limit; the whole process tree is killed", positiveNumber, 120)
    .addOption(
      new Option(
        "--sandbox <mode>",
        "auto or bwrap: bubblewrap, refusing to run when it does not work here; none: no isolation (explicit opt-out)",
      )
        .choices(["auto", "bwrap", "none"])
        .default("auto"),
    )
    .option(
      "--memory <mb>",
      `address-space limit per process, in MiB (default ${DEFAULT_LIMITS.memoryMb} when a cgroup caps the total, else ${FALLBACK_MEMORY_MB})`,
      positiveInt,
    )
    .option(
      "--memory-total <mb>",
      "memory of all the command's processes together, in MiB (needs a writable memory cgroup; see docs/sandbox.md)",
      positiveInt,
      DEFAULT_LIMITS.totalMemoryMb,
    )
    .option(
      "--disk <mb>",
      "disk the workspace may take, in MiB; growing past it stops the command",
      positiveInt,
      DEFAULT_LIMITS.diskMb,
    )
    .option("--max-output <chars>", "characters kept per stream", positiveInt, DEFAULT_LIMITS.maxOutputChars)
    .option(
      "--max-processes <n>",
      "process limit for the sandbox user (contains fork bombs)",
      positiveInt,
      DEFAULT_LIMITS.maxProcesses,
    )
    .argument("<command...>", "the command and its arguments, after --")
    .addHelpText(
      "after",
      "\nExample:\n  skillgrad sandbox run --workspace ./ws --timeout 30 -- python3 solve.py",
    )
    .action(async (command: string[], options: RunOptions) => {
      if (command.length === 0) throw new UsageError("give the command to run after --");
      const owner = workspaceOwner();
      const info = owner ? await stat(options.workspace).catch(() => undefined) : undefined;
      if (owner && info?.isDirectory() && !writableBy(info, owner)) {
        process.stderr.write(
          `skillgrad: note: as root, the command runs as user nobody (uid ${owner.uid}), which cannot write ${options.workspace}; ` +
            "skillgrad never changes the owner of a folder it did not create (give it to nobody yourself if you mean to)\n",
        );
      }
      const result = await runSandboxed(command, {
        workspace: options.workspace,
        mode: options.sandbox,
        limits: {
          timeoutMs: options.timeout * 1000,
          ...(options.memory !== undefined ? { memoryMb: options.memory } : {}),
          totalMemoryMb: options.memoryTotal,
          diskMb: options.disk,
          maxOutputChars: options.maxOutput,
          maxProcesses: options.maxProcesses,
        },
      });
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      if (result.timedOut)
        process.stderr.write(`skillgrad: the command timed out after ${options.timeout} s and was killed\n`);
      if (result.outputLimitExceeded)
        process.stderr.write("skillgrad: the command was killed for writing too much output\n");
      if (result.memoryCap === "per-process" && options.memoryTotal !== DEFAULT_LIMITS.totalMemoryMb)
        process.stderr.write(
          "skillgrad: note: no writable memory cgroup here, so --memory-total was not applied; only the per-process cap (--memory) was\n",
        );
      for (const note of limitNotes(result, { totalMemoryMb: options.memoryTotal, diskMb: options.disk }))
        process.stderr.write(`skillgrad: ${note}\n`);
      process.exitCode = result.exitCode;
    });
}

function writableBy(info: Stats, user: { uid: number; gid: number }): boolean {
  if (info.uid === user.uid) return (info.mode & 0o200) !== 0;
  if (info.gid === user.gid) return (info.mode & 0o020) !== 0;
  return (info.mode & 0o002) !== 0;
}
