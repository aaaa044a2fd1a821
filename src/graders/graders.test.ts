import { chmod, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { hasBwrap } from "../sandbox/index.js";
import type { Task } from "../tasks/types.js";
import { type GradeInput, graderFor } from "./index.js";

function input(task: Partial<Task>, answer: string, extra: Partial<GradeInput> = {}): GradeInput {
  return { task: { id: "t1", prompt: "q", files: [], ...task }, answer, workspace: tmpdir(), ...extra };
}

const grade = (spec: Task["grader"], expected: unknown, answer: string) =>
  graderFor(spec)(input({ grader: spec, expected }, answer));

describe("built-in graders", () => {
  it("exact compares the trimmed answer to the expected text", async () => {
    expect((await grade("exact", "Paris", " Paris ")).pass).toBe(true);
    const miss = await grade("exact", "Paris", "paris");
    expect(miss).toMatchObject({ pass: false, score: 0 });
    expect(miss.feedback).toContain('expected "Paris"');
  });

  it("normalized ignores case, spacing, accents and a final period; accepts any of several expected", async () => {
    expect((await grade("normalized", "São  Paulo", "sao paulo.")).pass).toBe(true);
    expect((await grade(undefined, ["NYC", "New York"], "new york")).pass).toBe(true);
    expect((await grade("normalized", "Lima", "Quito")).pass).toBe(false);
  });

  it("numeric allows thousands separators, currency, percent and a tolerance", async () => {
    expect((await grade("numeric", 1250, "1,250")).pass).toBe(true);
    expect((await grade({ type: "numeric", tolerance: 0.01 }, "3.14", "$3.149")).pass).toBe(true);
    expect((await grade({ type: "numeric", tolerance: 0.001 }, "3.14", "3.15")).pass).toBe(false);
    expect((await grade({ type: "numeric", tolerance: 0.1, relative: true }, 100, "109")).pass).toBe(true);
    const notNumber = await grade("numeric", 5, "five");
    expect(notNumber.pass).toBe(false);
    expect(notNumber.feedback).toContain("not a number");
  });

  it("regex tests the answer against a pattern with flags", async () => {
    expect(
      (await grade({ type: "regex", pattern: "^yes\\b", flags: "i" }, undefined, "Yes, it is")).pass,
    ).toBe(true);
    expect((await grade({ type: "regex", pattern: "^yes$" }, undefined, "no")).pass).toBe(false);
    expect(() => graderFor({ type: "regex" })).toThrow(/pattern/);
  });

  it("json compares parsed values deeply, key order aside", async () => {
    expect((await grade("json", { a: 1, b: [2, 3] }, '{"b":[2,3],"a":1}')).pass).toBe(true);
    expect((await grade("json", { a: 1 }, '{"a":2}')).pass).toBe(false);
    expect((await grade("json", { a: 1 }, "not json")).feedback).toContain("not valid JSON");
  });

  it("unordered-list ignores order and gives partial credit", async () => {
    expect((await grade("unordered-list", ["a", "b", "c"], "c, a | b")).pass).toBe(true);
    const partial = await grade("unordered-list", ["a", "b", "c", "d"], "a\nb");
    expect(partial.pass).toBe(false);
    expect(partial.score).toBeCloseTo(0.5);
    expect(partial.feedback).toContain("missing");
  });

  it("refuses an unknown grader and a missing expected value with clear messages", async () => {
    expect(() => graderFor("fuzzy")).toThrow(/unknown grader "fuzzy"/);
    await expect(graderFor("exact")(input({}, "x"))).rejects.toThrow(/needs an "expected" value/);
  });
});

describe("command grader", () => {
  it("passes on exit 0, fails otherwise, and reads a JSON verdict; never sees API keys", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sg-grader-"));
    await writeFile(join(dir, "out.txt"), "42");
    const script = join(dir, "check.sh");
    await writeFile(
      script,
      [
        "#!/bin/sh",
        'test -z "$OPENAI_API_KEY" || { echo "key leaked"; exit 3; }',
        'got=$(cat "$SKILLGRAD_WORKSPACE/out.txt")',
        'if [ "$got" = "$(echo $SKILLGRAD_EXPECTED | tr -d \\")" ]; then echo \'{"pass": true, "score": 1, "feedback": "file ok"}\'; else echo "wrong: $got"; exit 1; fi',
      ].join("\n"),
    );
    // Readable by the sandbox user that runs the script (nobody, when the tests run as root).
    await chmod(dir, 0o755);
    process.env.OPENAI_API_KEY = "sk-test-should-not-leak";
    try {
      const spec = { type: "command", command: `sh ${script}` };
      const ok = await graderFor(spec)(
        input({ grader: spec, expected: "42", baseDir: dir }, "", { workspace: dir }),
      );
      expect(ok).toEqual({ pass: true, score: 1, feedback: "file ok" });
      const bad = await graderFor(spec)(
        input({ grader: spec, expected: "41", baseDir: dir }, "", { workspace: dir }),
      );
      expect(bad.pass).toBe(false);
      expect(bad.feedback).toContain("wrong: 42");
    } finally {
      delete process.env.OPENAI_API_KEY;
    }
  });

  it("fails a script that runs past its timeout", async () => {
    const spec = { type: "command", command: "sleep 5", timeoutSec: 0.3 };
    const workspace = await mkdtemp(join(tmpdir(), "sg-grader-ws-"));
    const result = await graderFor(spec)(input({ grader: spec }, "", { workspace }));
    expect(result).toMatchObject({ pass: false });
    expect(result.feedback).toContain("timed out");
  });
});

describe.runIf(hasBwrap())("command grader from a task file: sandboxed unless trusted", () => {
  async function setup() {
    const taskDir = await mkdtemp(join(tmpdir(), "sg-grader-task-"));
    const workspace = await mkdtemp(join(tmpdir(), "sg-grader-ws-"));
    const hostDir = await mkdtemp(join(tmpdir(), "sg-grader-host-"));
    await chmod(hostDir, 0o755);
    const hostFile = join(hostDir, "host-secret.txt");
    await writeFile(hostFile, "host-secret-4242\n", { mode: 0o644 });
    await writeFile(
      join(taskDir, "check.sh"),
      `cat ${hostFile} && echo reached > ${join(hostDir, "planted.txt")}\n`,
    );
    await chmod(taskDir, 0o755);
    await chmod(join(taskDir, "check.sh"), 0o644);
    await writeFile(join(workspace, "answer.txt"), "42");
    await chmod(workspace, 0o755);
    return { taskDir, workspace, hostDir };
  }

  it("runs in the sandbox by default: the task folder is readable, the rest of the host is not", async () => {
    const { taskDir, workspace, hostDir } = await setup();
    const spec = { type: "command", command: "cat $SKILLGRAD_WORKSPACE/answer.txt && sh check.sh" };
    const grade = await graderFor(spec)(input({ grader: spec, baseDir: taskDir }, "", { workspace }));
    expect(grade.pass).toBe(false);
    expect(grade.feedback).toContain("42");
    expect(grade.feedback).not.toContain("host-secret-4242");
    await expect(stat(join(hostDir, "planted.txt"))).rejects.toThrow();
  });

  it("runs on the host with trustGraders", async () => {
    const { taskDir, workspace, hostDir } = await setup();
    const spec = { type: "command", command: "sh check.sh" };
    const grade = await graderFor(spec)(
      input({ grader: spec, baseDir: taskDir }, "", { workspace, trustGraders: true }),
    );
    expect(grade.pass).toBe(true);
    expect(grade.feedback).toContain("host-secret-4242");
    expect(await readFile(join(hostDir, "planted.txt"), "utf8")).toBe("reached\n");
  });
});

describe("llm-judge grader", () => {
  const reply = (text: string) => ({
    content: [{ type: "text" as const, text }],
    finishReason: { unified: "stop" as const, raw: undefined },
    usage: {
      inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: 5, text: 5, reasoning: 0 },
    },
    warnings: [],
  });

  it("uses the judge's JSON verdict", async () => {
    const judge = new MockLanguageModelV3({
      doGenerate: async () => reply('{"pass": true, "score": 0.9, "feedback": "cites the table"}'),
    });
    const spec = { type: "llm-judge", rubric: "Must cite the table." };
    const result = await graderFor(spec)(input({ grader: spec }, "answer", { judge }));
    expect(result).toEqual({ pass: true, score: 0.9, feedback: "judge: cites the table" });
  });

  it("retries once on a malformed reply, then fails the grade with the reason", async () => {
    let calls = 0;
    const judge = new MockLanguageModelV3({
      doGenerate: async () => {
        calls++;
        return reply("I think it is fine");
      },
    });
    const spec = { type: "llm-judge", rubric: "r" };
    const result = await graderFor(spec)(input({ grader: spec }, "answer", { judge }));
    expect(calls).toBe(2);
    expect(result.pass).toBe(false);
    expect(result.feedback).toContain("unusable");
  });
});
