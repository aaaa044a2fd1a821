import { describe, expect, it } from "vitest";
import { activationOf } from "./activation.js";

const installed = ["csv-analyst", "chart-maker"];

describe("activation per executor", () => {
  it("built-in agent: activate_skill names an installed skill", () => {
    expect(activationOf({ name: "activate_skill", input: { name: "csv-analyst" } }, installed)).toBe(
      "csv-analyst",
    );
    expect(activationOf({ name: "activate_skill", input: { name: "no-such" } }, installed)).toBeUndefined();
  });

  it("Claude Code: its Skill tool, in the shared name or the native one", () => {
    expect(
      activationOf(
        {
          name: "activate_skill",
          input: { name: "chart-maker" },
          native: { name: "Skill", input: { skill: "chart-maker" } },
        },
        installed,
      ),
    ).toBe("chart-maker");
    expect(activationOf({ name: "Skill", input: { command: "csv-analyst" } }, installed)).toBe("csv-analyst");
  });

  it("Codex and others: a read of an installed skill's SKILL.md, as a path or in a shell command", () => {
    expect(
      activationOf({ name: "read_file", input: { path: ".agents/skills/csv-analyst/SKILL.md" } }, installed),
    ).toBe("csv-analyst");
    expect(
      activationOf(
        { name: "run_shell", input: { command: "sed -n 1,80p .codex/skills/chart-maker/SKILL.md" } },
        installed,
      ),
    ).toBe("chart-maker");
    expect(activationOf({ name: "read_file", input: { path: "data/SKILL.md" } }, installed)).toBeUndefined();
    expect(activationOf({ name: "run_shell", input: { command: "ls skills" } }, installed)).toBeUndefined();
  });
});
