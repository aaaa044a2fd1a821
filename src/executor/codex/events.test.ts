import { describe, expect, it } from "vitest";
import { CodexStream, innerCommand, readTarget } from "./events.js";

const WS = "/runs/r1/workspaces/ws-1";
const SKILL = `${WS}/.agents/skills/csv-analyst`;

describe("Codex's commands", () => {
  it("unwraps bash -lc in either quoting", () => {
    expect(innerCommand(`/usr/bin/bash -lc "cat '${SKILL}/SKILL.md'"`)).toBe(`cat '${SKILL}/SKILL.md'`);
    expect(innerCommand("/bin/bash -lc 'cat runs.csv; ls'")).toBe("cat runs.csv; ls");
    expect(innerCommand(`bash -lc "echo \\"hi\\" \\$HOME"`)).toBe(`echo "hi" $HOME`);
    expect(innerCommand("ls -la")).toBe("ls -la");
  });

  it("knows a command that only shows one file, and nothing else", () => {
    expect(readTarget("cat 'a b.csv'")).toBe("a b.csv");
    expect(readTarget("sed -n '1,200p' SKILL.md")).toBe("SKILL.md");
    expect(readTarget("head -n 5 data.csv")).toBe("data.csv");
    expect(readTarget("nl -ba notes.md")).toBe("notes.md");
    expect(readTarget("cat a.csv b.csv")).toBeUndefined();
    expect(readTarget("cat runs.csv | wc -l")).toBeUndefined();
    expect(readTarget("python3 x.py")).toBeUndefined();
  });
});

describe("codex exec --json events → the shared trajectory", () => {
  const events = [
    { type: "thread.started", thread_id: "th" },
    { type: "turn.started" },
    {
      type: "item.completed",
      item: { id: "item_0", type: "error", message: "Model metadata for `sim` not found." },
    },
    {
      type: "item.completed",
      item: {
        id: "item_1",
        type: "command_execution",
        command: `/usr/bin/bash -lc "cat '${SKILL}/SKILL.md'"`,
        aggregated_output: "---\nname: csv-analyst\n---\nbody",
        exit_code: 0,
      },
    },
    {
      type: "item.completed",
      item: {
        id: "item_2",
        type: "command_execution",
        command: "/usr/bin/bash -lc 'cat runs.csv'",
        aggregated_output: "a,b",
        exit_code: 0,
      },
    },
    {
      type: "item.completed",
      item: {
        id: "item_3",
        type: "command_execution",
        command: "/usr/bin/bash -lc 'python3 x.py'",
        aggregated_output: "Traceback",
        exit_code: 1,
      },
    },
    {
      type: "item.completed",
      item: {
        id: "item_4",
        type: "file_change",
        changes: [{ path: `${WS}/answer.txt`, kind: "add" }],
        status: "completed",
      },
    },
    { type: "item.completed", item: { id: "item_5", type: "agent_message", text: "42" } },
    {
      type: "turn.completed",
      usage: { input_tokens: 900, cached_input_tokens: 300, output_tokens: 40, reasoning_output_tokens: 10 },
    },
  ].map((event) => JSON.stringify(event));

  it("maps reads of the skill and the data, other commands and file changes; keeps the last message", () => {
    let stopped = false;
    const stream = new CodexStream(
      { workspace: WS, skillDir: SKILL, skillName: "csv-analyst" },
      Date.now(),
      30,
      () => {
        stopped = true;
      },
    );
    for (const line of events) stream.push(line);
    const calls = stream.steps.flatMap((step) => step.toolCalls.map((call) => [call.name, call.input]));
    expect(calls).toEqual([
      ["activate_skill", { name: "csv-analyst" }],
      ["read_file", { path: "runs.csv" }],
      ["run_shell", { command: "python3 x.py" }],
      ["write_file", { path: "answer.txt" }],
    ]);
    expect(stream.steps[2]?.toolResults[0]).toMatchObject({ output: "Traceback", error: true });
    expect(stream.finalText).toBe("42");
    expect(stream.completed).toBe(true);
    expect(stream.usage).toEqual({ input: 900, cachedInput: 300, output: 40, reasoning: 10 });
    expect(stream.notes).toEqual(["Model metadata for `sim` not found."]);
    expect(stream.invokedSkills).toEqual(["csv-analyst"]);
    expect(stopped).toBe(false);
  });

  it("asks to be stopped once it goes past the turn limit", () => {
    let stopped = 0;
    const stream = new CodexStream({ workspace: WS }, Date.now(), 2, () => {
      stopped += 1;
    });
    for (const line of events) stream.push(line);
    expect(stream.overLimit).toBe(true);
    expect(stopped).toBeGreaterThan(0);
  });
});
