import { mkdir, mkdtemp, readFile, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SkillgradError } from "../errors.js";
import { GRADER_TYPES } from "../graders/index.js";
import { GRADER_RULES } from "../graders/validate.js";
import { createWorkspace } from "../sandbox/workspace.js";
import { loadTasks } from "./load.js";

async function taskFile(lines: string[], files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sg-tasks-"));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  const path = join(dir, "tasks.jsonl");
  await writeFile(path, lines.join("\n"));
  return path;
}

describe("loadTasks", () => {
  it("reads tasks with files relative to the task file, numeric ids as strings", async () => {
    const path = await taskFile(
      [
        '{"id": 7, "prompt": "sum it", "files": ["data.csv", {"from": "data.csv", "to": "in/copy.csv"}], "expected": 3}',
        "",
        "// a comment",
      ],
      { "data.csv": "a\n1\n2\n" },
    );
    const [task] = await loadTasks(path);
    expect(task?.id).toBe("7");
    expect(task?.files.map((f) => f.to)).toEqual(["data.csv", "in/copy.csv"]);
    expect(task?.files[0]?.from).toBe(join(path, "..", "data.csv"));
    expect(task?.expected).toBe(3);
  });

  it("names the file and line of a malformed task", async () => {
    const path = await taskFile(['{"id": "a", "prompt": "x", "expected": "1"}', "{oops"]);
    await expect(loadTasks(path)).rejects.toThrow(/tasks\.jsonl:2: not valid JSON/);
    const missing = await taskFile(['{"id": "a"}']);
    await expect(loadTasks(missing)).rejects.toThrow(/tasks\.jsonl:1: field "prompt"/);
  });

  it("refuses duplicate ids, missing files, paths leaving the workspace, and empty files", async () => {
    await expect(
      loadTasks(
        await taskFile(['{"id":"a","prompt":"x","expected":1}', '{"id":"a","prompt":"y","expected":1}']),
      ),
    ).rejects.toThrow(/duplicate task id "a"/);
    await expect(
      loadTasks(await taskFile(['{"id":"a","prompt":"x","expected":1,"files":["nope.csv"]}'])),
    ).rejects.toThrow(/does not exist/);
    await expect(
      loadTasks(
        await taskFile(['{"id":"a","prompt":"x","expected":1,"files":[{"from":"f","to":"../up"}]}'], {
          f: "",
        }),
      ),
    ).rejects.toThrow(/leaves the workspace/);
    await expect(loadTasks(await taskFile([""]))).rejects.toThrow(/has no tasks/);
    await expect(loadTasks("/no/such/tasks.jsonl")).rejects.toThrow(/cannot read task file/);
  });
});

describe("loadTasks: input files stay in the task file's folder", () => {
  async function taskDir(): Promise<{ dir: string; write: (lines: object[]) => Promise<string> }> {
    const dir = await mkdtemp(join(tmpdir(), "sg-confine-"));
    return {
      dir,
      write: async (lines) => {
        const path = join(dir, "tasks.jsonl");
        await writeFile(path, lines.map((line) => JSON.stringify(line)).join("\n"));
        return path;
      },
    };
  }

  it.each([
    ["an absolute path outside", "/etc/passwd"],
    ["a path climbing out", "../../../../../../../../etc/passwd"],
  ])("refuses %s, naming the task, the line and the file", async (_, from) => {
    const { write } = await taskDir();
    const path = await write([
      { id: "ok", prompt: "x", expected: 1 },
      { id: "leak", prompt: "x", expected: 1, files: [from] },
    ]);
    const error = await loadTasks(path).catch((e: Error) => e);
    expect(error).toBeInstanceOf(SkillgradError);
    expect((error as Error).message).toMatch(
      /tasks\.jsonl:2: task "leak": file ".*etc\/passwd" is outside the task file's folder/,
    );
  });

  it("refuses a symlink that points outside, and one inside a folder", async () => {
    const { dir, write } = await taskDir();
    const outside = await mkdtemp(join(tmpdir(), "sg-outside-"));
    await writeFile(join(outside, "secret.txt"), "secret");
    await symlink(join(outside, "secret.txt"), join(dir, "link.txt"));
    await expect(
      loadTasks(await write([{ id: "a", prompt: "x", expected: 1, files: ["link.txt"] }])),
    ).rejects.toThrow(
      /task "a": file "link.txt" is outside the task file's folder \(it resolves to .*secret\.txt\)/,
    );
    await mkdir(join(dir, "data", "deep"), { recursive: true });
    await writeFile(join(dir, "data", "ok.csv"), "a\n");
    await symlink(join(outside, "secret.txt"), join(dir, "data", "deep", "sneaky.txt"));
    await expect(
      loadTasks(await write([{ id: "b", prompt: "x", expected: 1, files: ["data"] }])),
    ).rejects.toThrow(/task "b": folder "data" holds a symlink data\/deep\/sneaky\.txt that leads outside/);
  });

  it("refuses a folder whose symlink loops back into it", async () => {
    const { dir, write } = await taskDir();
    await mkdir(join(dir, "data"));
    await symlink(join(dir, "data"), join(dir, "data", "again"));
    await expect(
      loadTasks(await write([{ id: "c", prompt: "x", expected: 1, files: ["data"] }])),
    ).rejects.toThrow(/folder "data" holds a symlink data\/again that loops back into it/);
  });

  it("takes a folder (and a symlink that stays inside), which the workspace then holds whole", async () => {
    const { dir, write } = await taskDir();
    await mkdir(join(dir, "data", "deep"), { recursive: true });
    await writeFile(join(dir, "data", "deep", "note.txt"), "deep note");
    await writeFile(join(dir, "shared.csv"), "a,b\n");
    await symlink(join(dir, "shared.csv"), join(dir, "data", "shared.csv"));
    const [task] = await loadTasks(await write([{ id: "d", prompt: "x", expected: 1, files: ["data"] }]));
    expect(task?.files).toEqual([{ from: join(dir, "data"), to: "data" }]);
    const workspace = await createWorkspace(join(dir, "runs"), task?.files ?? []);
    expect(await readFile(join(workspace, "data", "deep", "note.txt"), "utf8")).toBe("deep note");
    expect(await readFile(join(workspace, "data", "shared.csv"), "utf8")).toBe("a,b\n");
  });

  it("refuses bytes that are not UTF-8, naming the line, instead of replacing them", async () => {
    const { dir } = await taskDir();
    const path = join(dir, "tasks.jsonl");
    await writeFile(
      path,
      Buffer.concat([
        Buffer.from('{"id": "a", "prompt": "fine", "expected": 1}\n{"id": "b", "prompt": "caf'),
        Buffer.from([0xe9]),
        Buffer.from('"}\n'),
      ]),
    );
    await expect(loadTasks(path)).rejects.toThrow(
      /tasks\.jsonl:2: not valid UTF-8 text; save the task file as UTF-8/,
    );
  });

  it("reads a file that starts with a byte order mark", async () => {
    const { dir } = await taskDir();
    const path = join(dir, "tasks.jsonl");
    await writeFile(path, '\uFEFF{"id": "a", "prompt": "x", "expected": 1}\n');
    expect((await loadTasks(path)).map((task) => task.id)).toEqual(["a"]);
  });
});

describe("loadTasks: every grader is checked when the tasks load", () => {
  it.each([
    [{ grader: "fuzzy", expected: "x" }, /unknown grader "fuzzy": use one of exact, normalized/],
    [
      { grader: { type: "numeric" }, expected: "about seven" },
      /numeric grader's expected value "about seven" is not a number/,
    ],
    [{ grader: { type: "numeric", tolerance: "0.5" }, expected: 7 }, /"tolerance" must be a number/],
    [
      { grader: { type: "numeric", tolerence: 0.5 }, expected: 7 },
      /numeric grader has no option "tolerence" \(it takes tolerance, relative\)/,
    ],
    [
      { grader: { type: "regex", pattern: "([a-z" } },
      /regex grader's pattern is not a valid regular expression/,
    ],
    [{ grader: { type: "regex" } }, /regex grader needs a non-empty string "pattern"/],
    [{ grader: { type: "command" } }, /command grader needs a non-empty string "command"/],
    [{ grader: { type: "llm-judge" } }, /llm-judge grader needs a non-empty string "rubric"/],
    [{ grader: "exact" }, /exact grader needs an "expected" value/],
    [{}, /normalized grader needs an "expected" value/],
    [{ grader: "unordered-list", expected: "a, b" }, /needs "expected" to be a JSON array/],
  ])("refuses %j with the task id and line", async (fields, message) => {
    const path = await taskFile([
      JSON.stringify({ id: "fine", prompt: "x", expected: "1" }),
      JSON.stringify({ id: "broken", prompt: "x", ...fields }),
    ]);
    const error = await loadTasks(path).catch((e: Error) => e);
    expect(error).toBeInstanceOf(SkillgradError);
    expect((error as Error).message).toMatch(/tasks\.jsonl:2: task "broken": /);
    expect((error as Error).message).toMatch(message);
  });

  it("accepts every grader written correctly", async () => {
    const graders = [
      { grader: "exact", expected: "a" },
      { grader: { type: "numeric", tolerance: 0.5, relative: true }, expected: "1,250" },
      { grader: { type: "regex", pattern: "^a", flags: "i" } },
      { grader: "json", expected: { a: 1 } },
      { grader: { type: "unordered-list", separator: "|" }, expected: ["a"] },
      { grader: { type: "command", command: "true", timeoutSec: 5 } },
      { grader: { type: "llm-judge", rubric: "r" } },
    ];
    const path = await taskFile(
      graders.map((fields, i) => JSON.stringify({ id: `t${i}`, prompt: "x", ...fields })),
    );
    expect(await loadTasks(path)).toHaveLength(graders.length);
  });

  it("knows the same graders graderFor builds", () => {
    expect(Object.keys(GRADER_RULES).sort()).toEqual([...GRADER_TYPES].sort());
  });
});
