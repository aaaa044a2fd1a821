import type { JsonLinesStream } from "./event-stream.js";
import type { AgentConclusion } from "./executor.js";
import type { AgentProcessResult } from "./run-agent.js";

/** A conclusion before its outcome is known: what the agent said, what it reported, what it did. */
export type ConclusionBase = Omit<AgentConclusion, "outcome" | "error" | "systemic">;

type Info = Record<string, unknown>;

/**
 * The `info` every external agent's trajectory keeps: its reads, how its process ended and how many
 * of its lines were unreadable, with the agent's own fields around them (`head` first, `middle`
 * between its reads and its exit, `tail` last, so each agent's record keeps one order).
 */
export function agentInfo(
  stream: JsonLinesStream,
  agent: AgentProcessResult,
  own: { head: Info; middle?: Info; tail?: Info },
): Info {
  return {
    ...own.head,
    invokedSkills: stream.invokedSkills,
    skillFilesRead: stream.skillFilesRead,
    filesRead: stream.filesRead,
    ...own.middle,
    exitCode: agent.exitCode,
    isolation: agent.isolation,
    ...own.tail,
    ...(stream.unreadableLines > 0 ? { unreadableLines: stream.unreadableLines } : {}),
  };
}

/** The agent flooded stdout and run-agent stopped it: whatever it had said is not its answer. */
export function overOutputLimit(base: ConclusionBase, program: string): AgentConclusion {
  return {
    ...base,
    outcome: "error",
    error: `${program} printed more output than skillgrad reads and was stopped`,
  };
}

/**
 * The agent's process ended before its closing event (`missing` names what never came): how it
 * ended, how much of its output was not events, and the last line of its stderr; the end of its
 * stderr is kept in the trajectory for a closer look.
 */
export function endedWithout(
  base: ConclusionBase,
  stream: JsonLinesStream,
  agent: AgentProcessResult,
  program: string,
  missing: string,
): AgentConclusion {
  const said = stream.unreadableLines
    ? `; ${stream.unreadableLines} line(s) of its output were not JSON events (first: ${JSON.stringify(stream.firstUnreadable)})`
    : "";
  const exit =
    agent.exitCode === null
      ? `was killed (${agent.signal ?? "signal"})`
      : `exited with code ${agent.exitCode}`;
  const lastStderr = agent.stderrTail.trim().split("\n").pop() ?? "";
  return {
    ...base,
    outcome: "error",
    error: `${program} ${exit} without ${missing}${said}${lastStderr ? `; stderr: ${lastStderr.slice(0, 300)}` : ""}`,
    info: { ...base.info, stderrTail: agent.stderrTail.slice(-1000) },
  };
}
