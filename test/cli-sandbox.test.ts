import {
  chmod,
  chown,
  lchown,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cgroupParent } from "../src/sandbox/cgroup.js";
import { hasBwrap } from "../src/sandbox/index.js";
import { runCli } from "./helpers/cli.js";
import { startFakeOpenAI } from "./helpers/fake-openai.js";

const bwrapInstalled = hasBwrap();
if (!bwrapInstalled)
  console.warn("skipping the bubblewrap sandbox tests: bwrap is not installed (apt install bubblewrap)");

const SECRETS = { OPENAI_API_KEY: "sk-test-openai-4f1d2c", ANTHROPIC_API_KEY: "sk-ant-test-9b7e3a" };

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "skillgrad-sandbox-cli-"));
  // Searchable by everyone, so only the sandbox (not file permissions) can keep commands out.
  await chmod(scratch, 0o755);
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const asRoot = process.getuid?.() === 0;

/**
 * A folder for `sandbox run`. As root, commands run as nobody and skillgrad never changes the owner
 * of a folder it did not create, so the test gives it to nobody itself, as a user would.
 */
async function freshWorkspace(): Promise<string> {
  const dir = await mkdtemp(join(scratch, "ws-"));
  await chmod(dir, 0o755);
  if (asRoot) await chown(dir, 65534, 65534);
  return dir;
}

async function waitForFile(path: string, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(path, "utf8").catch(() => "");
    if (text.endsWith("\n")) return text;
    if (Date.now() > until) throw new Error(`${path} was not written in time`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function fileSize(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}

function sandboxRun(mode: "bwrap" | "none", workspace: string, command: string[], extra: string[] = []) {
  return runCli(["sandbox", "run", "--sandbox", mode, "--workspace", workspace, ...extra, "--", ...command], {
    env: SECRETS,
  });
}

/** A command that must work after each attack: proves the sandbox (and the host) still work. */
async function expectFollowUpWorks(mode: "bwrap" | "none", workspace: string) {
  const next = await sandboxRun(mode, workspace, [
    "sh",
    "-c",
    "echo still-fine > after.txt && cat after.txt",
  ]);
  expect(next.code).toBe(0);
  expect(next.stdout).toBe("still-fine\n");
}

describe("skillgrad sandbox run: command line", () => {
  it("passes the command's output through and exits with its status", async () => {
    const workspace = await freshWorkspace();
    const result = await sandboxRun("none", workspace, ["sh", "-c", "echo out; echo err >&2; exit 7"]);
    expect(result.code).toBe(7);
    expect(result.stdout).toBe("out\n");
    expect(result.stderr).toContain("err\n");
  });

  it("exits with 128 + the signal number when the command is killed by a signal", async () => {
    const workspace = await freshWorkspace();
    const result = await sandboxRun("none", workspace, ["sh", "-c", "kill -TERM $$"]);
    expect(result.code).toBe(128 + 15);
  });

  it("rejects a missing --workspace or a missing command with a usage error (exit 2)", async () => {
    const workspace = await freshWorkspace();
    const noWorkspace = await runCli(["sandbox", "run", "--", "true"]);
    expect(noWorkspace.code).toBe(2);
    expect(noWorkspace.stderr).toContain("--workspace");
    const noCommand = await runCli(["sandbox", "run", "--workspace", workspace]);
    expect(noCommand.code).toBe(2);
    expect(noCommand.stderr).toContain("command");
  });

  it("explains a workspace that does not exist (exit 1, one line)", async () => {
    const missing = join(scratch, "no-such-folder");
    const result = await runCli(["sandbox", "run", "--workspace", missing, "--", "true"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${missing} does not exist`);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("the sandbox fails closed", () => {
  it.each([
    [
      "is not installed",
      "/nonexistent/bwrap",
      /SKILLGRAD_BWRAP=\/nonexistent\/bwrap is not an executable file/,
    ],
    ["does not work", "/bin/false", /bwrap \(\/bin\/false\) does not work here/],
  ])(
    "auto refuses to run the command when bubblewrap %s, saying how to install it",
    async (_, bwrap, why) => {
      const workspace = await freshWorkspace();
      const result = await runCli(
        ["sandbox", "run", "--workspace", workspace, "--", "sh", "-c", "echo ran > ran.txt"],
        { env: { ...SECRETS, SKILLGRAD_BWRAP: bwrap } },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(why);
      expect(result.stderr).toContain("install bubblewrap (bash scripts/install-system-deps.sh");
      expect(result.stderr).toContain("--sandbox none");
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      await expect(stat(join(workspace, "ran.txt"))).rejects.toThrow();
    },
  );

  it("eval stops at the agent's first command when bubblewrap is not usable, and the command never runs", async () => {
    const server = await startFakeOpenAI((request) =>
      request.messages.some((m) => m.role === "tool")
        ? { toolCall: { name: "finish", arguments: { answer: "done" } } }
        : { toolCall: { name: "run_shell", arguments: { command: `touch ${join(scratch, "agent-ran")}` } } },
    );
    try {
      const dir = await mkdtemp(join(scratch, "eval-"));
      const tasks = join(dir, "tasks.jsonl");
      await writeFile(tasks, `${JSON.stringify({ id: "t1", prompt: "run something", expected: "done" })}\n`);
      const result = await runCli(
        ["eval", "--no-skill", "--tasks", tasks, "--model", `openai-compatible:${server.url}#fake`],
        { cwd: dir, env: { SKILLGRAD_BWRAP: "/nonexistent/bwrap" } },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("no sandbox for agent commands");
      expect(result.stderr).toContain("install bubblewrap");
      await expect(stat(join(scratch, "agent-ran"))).rejects.toThrow();
    } finally {
      await server.close();
    }
  });
});

describe.skipIf(!bwrapInstalled)(
  "eval: a task file's command grader runs in the sandbox unless --trust-graders",
  () => {
    it("cannot see a host file by default, and can with --trust-graders", async () => {
      const server = await startFakeOpenAI(() => ({
        toolCall: { name: "finish", arguments: { answer: "x" } },
      }));
      try {
        const dir = await mkdtemp(join(scratch, "grader-"));
        await chmod(dir, 0o755);
        const hostDir = await mkdtemp(join(scratch, "host-"));
        await chmod(hostDir, 0o755);
        const hostFile = join(hostDir, "only-on-host.txt");
        await writeFile(hostFile, "host\n", { mode: 0o644 });
        const tasks = join(dir, "tasks.jsonl");
        const grader = { type: "command", command: `test -r ${hostFile}` };
        await writeFile(tasks, `${JSON.stringify({ id: "t1", prompt: "anything", grader })}\n`);
        const run = (...extra: string[]) =>
          runCli(
            [
              "eval",
              "--no-skill",
              "--tasks",
              tasks,
              "--model",
              `openai-compatible:${server.url}#fake`,
              "--json",
              ...extra,
            ],
            { cwd: dir },
          );
        const sandboxed = await run();
        expect(sandboxed.code, sandboxed.stderr).toBe(0);
        expect(JSON.parse(sandboxed.stdout).passes).toBe(0);
        const trusted = await run("--trust-graders");
        expect(trusted.code, trusted.stderr).toBe(0);
        expect(JSON.parse(trusted.stdout).passes).toBe(1);
      } finally {
        await server.close();
      }
    });
  },
);

describe("skillgrad sandbox run --sandbox none: the command's parent holds no secret", () => {
  it("starts the command from a clean process: /proc/$PPID/environ has no API key", async () => {
    const workspace = await freshWorkspace();
    const running = sandboxRun("none", workspace, [
      "sh",
      "-c",
      "cat /proc/$PPID/environ > seen 2>/dev/null; echo $PPID > ppid; sleep 3",
    ]);
    // Read the parent's environment from the host (as the test's user, who may read it) while it runs.
    const ppid = (await waitForFile(join(workspace, "ppid"))).trim();
    const parentEnv = await readFile(`/proc/${ppid}/environ`, "utf8");
    const result = await running;
    expect(result.code).toBe(0);
    expect(parentEnv).toContain("PATH=/usr/local/bin:/usr/bin:/bin");
    const seen = await readFile(join(workspace, "seen"), "utf8");
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(parentEnv).not.toContain(name);
      expect(parentEnv).not.toContain(value);
      expect(seen).not.toContain(value);
    }
  });
});

describe.each(bwrapInstalled ? (["bwrap", "none"] as const) : (["none"] as const))(
  "skillgrad sandbox run --sandbox %s: nothing outlives the command",
  (mode) => {
    it("kills a daemon the command left behind (setsid, double fork) when the command returns", async () => {
      const workspace = await freshWorkspace();
      const beat = join(workspace, "beat");
      const result = await sandboxRun(mode, workspace, [
        "sh",
        "-c",
        "(setsid sh -c 'while :; do echo x >> beat; sleep 0.1; done' > /dev/null 2>&1 &); sleep 0.5; echo started",
      ]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("started\n");
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = await fileSize(beat);
      expect(after).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await fileSize(beat)).toBe(after);
    });

    it("kills a daemon left behind when the command times out", async () => {
      const workspace = await freshWorkspace();
      const beat = join(workspace, "beat");
      const result = await sandboxRun(
        mode,
        workspace,
        [
          "sh",
          "-c",
          "(setsid sh -c 'while :; do echo x >> beat; sleep 0.1; done' > /dev/null 2>&1 &); sleep 60",
        ],
        ["--timeout", "1"],
      );
      expect(result.code).toBe(124);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = await fileSize(beat);
      expect(after).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await fileSize(beat)).toBe(after);
    });
  },
);

describe.runIf(asRoot)("as root, skillgrad never hands a folder it did not create to nobody", () => {
  it.each(bwrapInstalled ? (["bwrap", "none"] as const) : (["none"] as const))(
    "sandbox run --sandbox %s leaves a /root folder and the id_rsa in it to root",
    async (mode) => {
      const dir = await mkdtemp(join(homedir(), "ws-with-id_rsa-"));
      try {
        await writeFile(join(dir, "id_rsa"), "-----BEGIN OPENSSH PRIVATE KEY-----\n", { mode: 0o600 });
        const result = await sandboxRun(mode, dir, ["sh", "-c", "cat id_rsa; true"]);
        expect(result.code).toBe(0);
        expect(result.stdout).not.toContain("PRIVATE KEY");
        expect(result.stderr).toContain("never changes the owner of a folder it did not create");
        for (const path of [dir, join(dir, "id_rsa")]) {
          const info = await stat(path);
          expect([info.uid, info.gid]).toEqual([0, 0]);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it("a leftover process swapping a folder for a symlink gets no host file handed over (10 tries)", async () => {
    const workspace = await freshWorkspace();
    const target = await mkdtemp(join(scratch, "host-target-"));
    // The same names as in the workspace's folder, so a walk that follows the swapped-in link finds them.
    const names = Array.from({ length: 200 }, (_, i) => `g${i}`);
    for (const name of names) await writeFile(join(target, name), "host file\n");
    await mkdir(join(workspace, "sub"));
    for (const name of names.slice(0, 50)) await writeFile(join(workspace, "sub", name), "");
    await symlink(target, join(workspace, "lnk"));
    // Atomically exchanges the folder and the link, forever (renameat2 RENAME_EXCHANGE).
    const swapper = [
      "import ctypes, os",
      "libc = ctypes.CDLL(None, use_errno=True)",
      "open('swapper.pid', 'w').write(str(os.getpid()) + '\\n')",
      "while True:",
      "    libc.renameat2(-100, b'sub', -100, b'lnk', 2)",
    ].join("\n");
    await writeFile(join(workspace, "swap.py"), swapper);
    for (const path of ["sub", "lnk", "swap.py", ...names.slice(0, 50).map((name) => `sub/${name}`)])
      await lchown(join(workspace, path), 65534, 65534);
    let swapperPid: number | undefined;
    try {
      const first = await sandboxRun("none", workspace, [
        "sh",
        "-c",
        "(setsid python3 swap.py > /dev/null 2>&1 &); sleep 0.5",
      ]);
      expect(first.code).toBe(0);
      swapperPid = Number((await readFile(join(workspace, "swapper.pid"), "utf8")).trim());
      for (let attempt = 0; attempt < 10; attempt++) await sandboxRun("none", workspace, ["true"]);
      const handedOver: string[] = [];
      for (const name of ["", ...names])
        if ((await stat(join(target, name))).uid !== 0) handedOver.push(join(target, name));
      expect(handedOver).toEqual([]);
      expect(() => process.kill(swapperPid as number, 0)).toThrow(); // the leftover process is gone
    } finally {
      if (swapperPid) {
        try {
          process.kill(swapperPid, "SIGKILL");
        } catch {
          // already gone, as it should be
        }
      }
    }
  });
});

describe.each(bwrapInstalled ? (["bwrap", "none"] as const) : (["none"] as const))(
  "skillgrad sandbox run --sandbox %s: memory and disk caps",
  (mode) => {
    // Four processes of 80 MiB each: under any per-process cap, over a 200 MiB total.
    const fourProcesses = [
      "sh",
      "-c",
      "for i in 1 2 3 4; do python3 -c \"x = bytearray(80 << 20); import time; time.sleep(2); print('survived')\" & done; wait; echo end",
    ];

    it("stops a command whose processes together go over --memory-total (where a memory cgroup is writable)", async () => {
      const workspace = await freshWorkspace();
      const result = await sandboxRun(mode, workspace, fourProcesses, ["--memory-total", "200"]);
      if (cgroupParent()) {
        expect(result.code).toBe(137);
        expect(result.stdout).not.toContain("end");
        expect(result.stderr).toContain("its processes together used more than 200 MiB of memory");
      } else {
        expect(result.stderr).toContain("no writable memory cgroup here, so --memory-total was not applied");
      }
      await expectFollowUpWorks(mode, workspace);
    });

    it("without a cgroup (SKILLGRAD_CGROUP=off), says so, and caps each process at 2048 MiB instead", async () => {
      const workspace = await freshWorkspace();
      const env = { ...SECRETS, SKILLGRAD_CGROUP: "off" };
      const run = (command: string[], extra: string[] = []) =>
        runCli(["sandbox", "run", "--sandbox", mode, "--workspace", workspace, ...extra, "--", ...command], {
          env,
        });
      const together = await run(fourProcesses, ["--memory-total", "200"]);
      expect(together.code).toBe(0);
      expect(together.stdout).toContain("end");
      expect(together.stderr).toContain("--memory-total was not applied");
      const big = await run(["python3", "-c", "x = bytearray(2300 << 20); print('allocated')"]);
      expect(big.stdout).not.toContain("allocated");
      expect(big.stderr).toContain("MemoryError");
    });

    it("stops a command that makes the workspace grow past --disk, and lets the next one delete files", async () => {
      const workspace = await freshWorkspace();
      const fill = await sandboxRun(
        mode,
        workspace,
        ["sh", "-c", "for i in $(seq 200); do head -c 1048576 /dev/zero > f$i; sleep 0.01; done; echo done"],
        ["--disk", "50"],
      );
      expect(fill.code).not.toBe(0);
      expect(fill.stdout).not.toContain("done");
      expect(fill.stderr).toContain("the workspace grew past its disk cap of 50 MiB");
      const grow = await sandboxRun(
        mode,
        workspace,
        ["sh", "-c", "for i in $(seq 20); do head -c 1048576 /dev/zero > g$i; sleep 0.05; done; echo grew"],
        ["--disk", "50"],
      );
      expect(grow.stdout).not.toContain("grew");
      const clean = await sandboxRun(
        mode,
        workspace,
        ["sh", "-c", "rm -f f* g*; echo cleaned"],
        ["--disk", "50"],
      );
      expect(clean.code).toBe(0);
      expect(clean.stdout).toBe("cleaned\n");
    });
  },
);

describe.skipIf(!bwrapInstalled)("skillgrad sandbox run --sandbox bwrap: the isolation holds", () => {
  let server: Server;
  let port: number;
  let connections = 0;

  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      socket.end("hello from the host\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (!address || typeof address === "string") throw new Error("the test server has no port");
    port = address.port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("runs in the workspace, which keeps its host path and is writable", async () => {
    const workspace = await freshWorkspace();
    await writeFile(join(workspace, "input.txt"), "task input\n");
    await chmod(join(workspace, "input.txt"), 0o644);
    const result = await sandboxRun("bwrap", workspace, [
      "sh",
      "-c",
      "pwd; cat input.txt; echo result > output.txt",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${workspace}\ntask input\n`);
    expect(await readFile(join(workspace, "output.txt"), "utf8")).toBe("result\n");
  });

  it("cannot read files outside the workspace (a host temp dir, the user's home, /root)", async () => {
    const workspace = await freshWorkspace();
    const outside = await mkdtemp(join(scratch, "outside-"));
    await chmod(outside, 0o755);
    const tempSecret = join(outside, "secret.txt");
    await writeFile(tempSecret, "temp-dir-secret-31337\n");
    await chmod(tempSecret, 0o644);
    const homeSecret = join(homedir(), `.skillgrad-sandbox-test-${process.pid}`);
    await writeFile(homeSecret, "home-secret-27182\n", { mode: 0o644 });
    try {
      const result = await sandboxRun("bwrap", workspace, [
        "sh",
        "-c",
        `cat ${tempSecret}; cat ${homeSecret}; ls -a /root; cat ../*/secret.txt; echo done`,
      ]);
      expect(result.stdout).toBe("done\n");
      expect(result.stdout + result.stderr).not.toContain("temp-dir-secret-31337");
      expect(result.stdout + result.stderr).not.toContain("home-secret-27182");
      expect(result.stderr).toMatch(/No such file or directory/);
    } finally {
      await rm(homeSecret, { force: true });
    }
    await expectFollowUpWorks("bwrap", workspace);
  });

  it("cannot write outside the workspace, even to a folder everyone may write", async () => {
    const workspace = await freshWorkspace();
    const outside = await mkdtemp(join(scratch, "target-"));
    await chmod(outside, 0o777);
    const target = join(outside, "planted.txt");
    const paths = [target, "/usr/planted.txt", "/etc/planted.txt"];
    const result = await sandboxRun("bwrap", workspace, [
      "sh",
      "-c",
      'for f in "$@"; do (echo pwned > "$f") 2>/dev/null && echo "wrote $f" || echo "blocked $f"; done',
      "attack",
      ...paths,
    ]);
    expect(result.stdout).toBe(paths.map((path) => `blocked ${path}\n`).join(""));
    await expect(stat(target)).rejects.toThrow();
    await expect(stat("/usr/planted.txt")).rejects.toThrow();
    await expect(stat("/etc/planted.txt")).rejects.toThrow();
    await expectFollowUpWorks("bwrap", workspace);
  });

  it("does not see the host's API keys, in its environment or in /proc", async () => {
    const workspace = await freshWorkspace();
    const result = await sandboxRun("bwrap", workspace, [
      "sh",
      "-c",
      "env; cat /proc/1/environ /proc/*/environ 2>/dev/null | tr '\\0' '\\n'",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("PATH=/usr/local/bin:/usr/bin:/bin");
    expect(result.stdout).toContain("LANG=C.UTF-8");
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(result.stdout).not.toContain(name);
      expect(result.stdout).not.toContain(value);
    }
  });

  it("cannot reach a server on the host's loopback, nor resolve or reach the internet", async () => {
    const workspace = await freshWorkspace();
    const script = [
      "import socket",
      "for host, port in [('127.0.0.1', PORT), ('1.1.1.1', 53)]:",
      "    try:",
      "        data = socket.create_connection((host, port), timeout=2).recv(100)",
      "        print('reached', host, data)",
      "    except OSError as error:",
      "        print('blocked', host, type(error).__name__)",
      "try:",
      "    print('resolved', socket.getaddrinfo('example.com', 443)[0][4])",
      "except OSError as error:",
      "    print('no dns', type(error).__name__)",
    ]
      .join("\n")
      .replace("PORT", String(port));
    const before = connections;
    const result = await sandboxRun("bwrap", workspace, ["python3", "-c", script], ["--timeout", "10"]);
    expect(result.stdout).toContain("blocked 127.0.0.1");
    expect(result.stdout).toContain("blocked 1.1.1.1");
    expect(result.stdout).toContain("no dns");
    expect(result.stdout).not.toContain("reached");
    expect(connections).toBe(before);
    await expectFollowUpWorks("bwrap", workspace);
  });

  it("contains a fork bomb: the process limit stops it, and the host and the next command are fine", async () => {
    const workspace = await freshWorkspace();
    const counter = [
      "import os, time",
      "n = 0",
      "try:",
      "    while n < 10000:",
      "        if os.fork() == 0:",
      "            time.sleep(3)",
      "            os._exit(0)",
      "        n += 1",
      "    print('never stopped')",
      "except OSError as error:",
      "    print('fork refused after', n, error.errno)",
    ].join("\n");
    const counted = await sandboxRun(
      "bwrap",
      workspace,
      ["python3", "-c", counter],
      ["--max-processes", "40"],
    );
    const refused = counted.stdout.match(/fork refused after (\d+) 11/);
    expect(refused, counted.stdout + counted.stderr).not.toBeNull();
    expect(Number(refused?.[1])).toBeLessThan(40);

    const bomb = await sandboxRun(
      "bwrap",
      workspace,
      ["bash", "-c", "bomb() { bomb | bomb & }; bomb; wait; sleep 10"],
      ["--timeout", "3", "--max-processes", "64"],
    );
    expect(bomb.code).not.toBe(0);
    await expectFollowUpWorks("bwrap", workspace);
  });

  it("kills an endless loop at the timeout with exit code 124", async () => {
    const workspace = await freshWorkspace();
    const result = await sandboxRun(
      "bwrap",
      workspace,
      ["sh", "-c", "echo looping; while :; do :; done"],
      ["--timeout", "1"],
    );
    expect(result.code).toBe(124);
    expect(result.stdout).toBe("looping\n");
    expect(result.stderr).toContain("timed out after 1 s");
    await expectFollowUpWorks("bwrap", workspace);
  });

  it("truncates a flood of output with a note and kills an endless flood", async () => {
    const workspace = await freshWorkspace();
    const finite = await sandboxRun("bwrap", workspace, ["seq", "1", "100000"], ["--max-output", "1000"]);
    expect(finite.code).toBe(0);
    const fullBytes = Array.from({ length: 100000 }, (_, i) => `${i + 1}\n`).join("").length;
    const note = finite.stdout.match(/\n\[… (\d+) more bytes truncated …\]\n/);
    expect(note).not.toBeNull();
    const kept = finite.stdout.replace(note?.[0] ?? "", "");
    expect(kept.length).toBeLessThanOrEqual(1000);
    expect(kept.length + Number(note?.[1])).toBe(fullBytes);
    expect(finite.stdout.startsWith("1\n2\n3\n")).toBe(true);
    expect(finite.stdout.endsWith("99999\n100000\n")).toBe(true);

    const endless = await sandboxRun("bwrap", workspace, ["yes", "flood"], ["--timeout", "30"]);
    expect(endless.code).not.toBe(0);
    expect(endless.stdout.length).toBeLessThan(25_000);
    expect(endless.stdout).toMatch(/more bytes truncated/);
    expect(endless.stderr).toContain("too much output");
    await expectFollowUpWorks("bwrap", workspace);
  });

  it("uses the system python3 (with openpyxl), not a shim from the host user's PATH", async () => {
    const workspace = await freshWorkspace();
    const result = await sandboxRun("bwrap", workspace, [
      "python3",
      "-c",
      "import sys, openpyxl; print(sys.executable)",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\/usr(\/local)?\/bin\/python3/);
  });
});

describe("skillgrad sandbox run --sandbox none: reduced isolation, same limits", () => {
  it("clears the environment and says once that isolation is reduced", async () => {
    const workspace = await freshWorkspace();
    const result = await sandboxRun("none", workspace, ["env"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("PATH=/usr/local/bin:/usr/bin:/bin");
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(result.stdout).not.toContain(name);
      expect(result.stdout).not.toContain(value);
    }
    const warnings = result.stderr.split("\n").filter((line) => line.includes("--sandbox none"));
    expect(warnings).toHaveLength(1);
  });

  it("kills an endless loop at the timeout with exit code 124", async () => {
    const workspace = await freshWorkspace();
    const result = await sandboxRun(
      "none",
      workspace,
      ["sh", "-c", "while :; do :; done"],
      ["--timeout", "1"],
    );
    expect(result.code).toBe(124);
    await expectFollowUpWorks("none", workspace);
  });

  it("applies the memory limit", async () => {
    const workspace = await freshWorkspace();
    const result = await sandboxRun(
      "none",
      workspace,
      ["python3", "-c", "x = bytearray(600 * 1024 * 1024); print('allocated')"],
      ["--memory", "300"],
    );
    expect(result.code).not.toBe(0);
    expect(result.stdout).not.toContain("allocated");
    expect(result.stderr).toContain("MemoryError");
  });

  it("applies the process limit", async () => {
    const workspace = await freshWorkspace();
    const script = [
      "import os, time",
      "n = 0",
      "try:",
      "    while n < 10000:",
      "        if os.fork() == 0:",
      "            time.sleep(3)",
      "            os._exit(0)",
      "        n += 1",
      "except OSError as error:",
      "    print('fork refused after', n)",
    ].join("\n");
    const result = await sandboxRun("none", workspace, ["python3", "-c", script], ["--max-processes", "30"]);
    const refused = result.stdout.match(/fork refused after (\d+)/);
    expect(refused, result.stdout + result.stderr).not.toBeNull();
    // A normal user's own processes count too, so the command gets at most the limit.
    expect(Number(refused?.[1])).toBeLessThan(30);
    await expectFollowUpWorks("none", workspace);
  });

  it("truncates output with a note", async () => {
    const workspace = await freshWorkspace();
    await mkdir(join(workspace, "sub"));
    const result = await sandboxRun("none", workspace, ["seq", "1", "50000"], ["--max-output", "500"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\[… \d+ more bytes truncated …\]/);
    expect(result.stdout.length).toBeLessThan(600);
  });
});
