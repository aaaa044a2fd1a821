import { DEFAULT_LIMITS, type SandboxLimits, type SandboxResult } from "./types.js";

/** One line per cap that stopped the command, saying what happened (for the agent and the CLI). */
export function limitNotes(
  result: Pick<SandboxResult, "memoryLimitExceeded" | "diskLimitExceeded">,
  limits: Partial<Pick<SandboxLimits, "totalMemoryMb" | "diskMb">> = {},
): string[] {
  const notes: string[] = [];
  if (result.memoryLimitExceeded)
    notes.push(
      `the command was stopped: its processes together used more than ${limits.totalMemoryMb ?? DEFAULT_LIMITS.totalMemoryMb} MiB of memory`,
    );
  if (result.diskLimitExceeded)
    notes.push(
      `the command was stopped: the workspace grew past its disk cap of ${limits.diskMb ?? DEFAULT_LIMITS.diskMb} MiB; delete files before writing more`,
    );
  return notes;
}
