import type { ToolCallSeen } from "../executor/types.js";

/**
 * Which installed skill a tool call activates, if any — the one place that knows how each executor
 * shows an activation:
 * - the built-in agent (and the shared vocabulary): `activate_skill` with the skill's name;
 * - Claude Code: its `Skill` tool, naming the skill (`skill`, `command` or `name`);
 * - Codex, and any agent that opens the file itself: a read of an installed skill's SKILL.md
 *   (`…/<name>/SKILL.md` in a path argument or a shell command).
 */
export function activationOf(call: ToolCallSeen, installed: readonly string[]): string | undefined {
  const known = (name: unknown) =>
    typeof name === "string"
      ? installed.find((skill) => skill === name.trim().replace(/^\//, ""))
      : undefined;
  const input = asRecord(call.input);
  const native = call.native ? { name: call.native.name, input: asRecord(call.native.input) } : undefined;
  if (call.name === "activate_skill") return known(input.name);
  for (const candidate of [{ name: call.name, input }, ...(native ? [native] : [])]) {
    if (candidate.name === "Skill")
      return known(candidate.input.skill) ?? known(candidate.input.command) ?? known(candidate.input.name);
  }
  for (const value of [...Object.values(input), ...Object.values(native?.input ?? {})]) {
    if (typeof value !== "string") continue;
    for (const match of value.matchAll(/([a-z0-9][a-z0-9-]*)\/(?:SKILL|skill)\.md\b/g)) {
      const skill = known(match[1]);
      if (skill) return skill;
    }
  }
  return undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
}
