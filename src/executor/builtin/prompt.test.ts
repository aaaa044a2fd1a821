import { describe, expect, it } from "vitest";
import { loadSkill } from "../../skill/index.js";
import { makeSkillDir, skillMarkdown } from "../../skill/testing.js";
import { executorSystemPrompt } from "./prompt.js";

describe("the executor's system prompt", () => {
  it("asks the agent to activate a listed skill before working and to read the files it points to for its case", async () => {
    const skill = await loadSkill(
      await makeSkillDir("demo", { "SKILL.md": skillMarkdown("demo", "Demo skill.") }),
    );
    const prompt = executorSystemPrompt(skill);
    expect(prompt).toContain("- demo: Demo skill.");
    expect(prompt).toMatch(/call activate_skill\s+with its name before you start working/);
    expect(prompt).toMatch(/read those that apply to your case with read_skill_file before you compute/);
    expect(executorSystemPrompt(undefined)).not.toContain("activate_skill");
  });
});
