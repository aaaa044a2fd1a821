import { describe, expect, it } from "vitest";
import { ClaudeStream } from "./events.js";

const WS = "/runs/r1/workspaces/ws-1";
const SKILL = `${WS}/.claude/skills/csv-analyst`;

/** A session as Claude Code 2.1.332 prints it (abridged): Skill, Read, Bash, a final answer. */
const SESSION = [
  {
    type: "system",
    subtype: "init",
    model: "sim",
    tools: ["Bash", "Read", "Skill"],
    skills: ["csv-analyst", "dataviz"],
    permissionMode: "dontAsk",
    claude_code_version: "2.1.332",
  },
  {
    type: "assistant",
    message: {
      id: "m1",
      content: [{ type: "tool_use", id: "t1", name: "Skill", input: { skill: "csv-analyst" } }],
      usage: { input_tokens: 100, cache_read_input_tokens: 20, output_tokens: 5 },
    },
  },
  {
    type: "user",
    message: {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "t1", content: "Launching skill: csv-analyst" }],
    },
  },
  {
    type: "user",
    isSynthetic: true,
    message: {
      role: "user",
      content: [
        {
          type: "text",
          text: `Base directory for this skill: ${SKILL}\n\n# CSV analyst\n\nRule: thousands-separator ' in column distance`,
        },
      ],
    },
  },
  {
    type: "assistant",
    message: {
      id: "m2",
      content: [
        { type: "tool_use", id: "t2", name: "Read", input: { file_path: `${SKILL}/references/dates.md` } },
      ],
    },
  },
  {
    type: "user",
    message: {
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "t2", content: "1\tRule: date-order day-first in column d\n2\t" },
      ],
    },
  },
  {
    type: "assistant",
    message: {
      id: "m3",
      content: [{ type: "tool_use", id: "t3", name: "Read", input: { file_path: `${WS}/runs.csv` } }],
    },
  },
  {
    type: "user",
    message: {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "t3", content: "1\ta,b\n2\t1,2\n" }],
    },
    tool_use_result: { file: { filePath: `${WS}/runs.csv`, content: "a,b\n1,2\n" } },
  },
  "this line is not JSON",
  {
    type: "assistant",
    message: {
      id: "m4",
      content: [
        { type: "text", text: "Let me add it up." },
        { type: "tool_use", id: "t4", name: "Bash", input: { command: "python3 -c 'print(3)'" } },
      ],
    },
  },
  {
    type: "user",
    message: {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "t4", content: "3", is_error: false }],
    },
  },
  { type: "assistant", message: { id: "m5", content: [{ type: "text", text: "3" }] } },
  {
    type: "result",
    subtype: "success",
    is_error: false,
    result: "3",
    num_turns: 5,
    total_cost_usd: 0.01,
    usage: {
      input_tokens: 500,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 50,
      output_tokens: 30,
    },
    modelUsage: {
      "claude-sonnet-4-5": {
        inputTokens: 500,
        cacheReadInputTokens: 100,
        cacheCreationInputTokens: 50,
        outputTokens: 30,
      },
    },
  },
].map((event) => (typeof event === "string" ? event : JSON.stringify(event)));

describe("Claude Code's stream-json events → the shared trajectory", () => {
  const stream = new ClaudeStream({ workspace: WS, skillDir: SKILL, skillName: "csv-analyst" }, Date.now());
  for (const line of SESSION) stream.push(line);

  it("maps Skill, Read of the skill's files, Read and Bash to the shared tool names, keeping the native call", () => {
    const calls = stream.steps.flatMap((step) =>
      step.toolCalls.map((call) => [call.name, call.input, call.native?.name]),
    );
    expect(calls).toEqual([
      ["activate_skill", { name: "csv-analyst" }, "Skill"],
      ["read_skill_file", { path: "references/dates.md" }, "Read"],
      ["read_file", { path: "runs.csv" }, "Read"],
      ["run_shell", { command: "python3 -c 'print(3)'" }, "Bash"],
    ]);
    expect(stream.invokedSkills).toEqual(["csv-analyst"]);
    expect(stream.skillFilesRead).toEqual(["references/dates.md"]);
    expect(stream.filesRead).toEqual(["runs.csv"]);
  });

  it("puts the loaded skill body into the Skill call's result, and file text without line numbers", () => {
    const results = stream.steps.flatMap((step) => step.toolResults.map((r) => r.output));
    expect(results[0]).toContain("Launching skill: csv-analyst");
    expect(results[0]).toContain("Rule: thousands-separator ' in column distance");
    expect(results[1]).toBe("Rule: date-order day-first in column d\n");
    expect(results[2]).toBe("a,b\n1,2\n");
    expect(stream.steps[3]?.text).toBe("Let me add it up.");
    expect(stream.steps[4]?.text).toBe("3");
  });

  it("reads the init list, the result with its usage per model, and counts lines that are not events", () => {
    expect(stream.init).toMatchObject({
      skills: ["csv-analyst", "dataviz"],
      version: "2.1.332",
      model: "sim",
    });
    expect(stream.result).toMatchObject({
      subtype: "success",
      text: "3",
      numTurns: 5,
      totalCostUsd: 0.01,
      usage: { input: 650, cachedInput: 100, cacheWrite: 50, output: 30 },
      byModel: { "claude-sonnet-4-5": { input: 650, cachedInput: 100, cacheWrite: 50, output: 30 } },
    });
    expect(stream.steps[0]?.usage).toEqual({ input: 120, cachedInput: 20, output: 5 });
    expect(stream.unreadableLines).toBe(1);
    expect(stream.firstUnreadable).toBe("this line is not JSON");
  });
});
