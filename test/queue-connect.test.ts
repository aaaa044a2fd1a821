import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { filesUnder } from "./helpers/files.js";
import { useModuleLog } from "./helpers/module-log.js";
import { EXAMPLE_WORLD, SEED_SKILL } from "./helpers/paths.js";
import { freePort, startRedisServer, startWorkerProcess, type TestRedis, useRedis } from "./helpers/redis.js";

// Connecting to the queue: bad URLs, unreachable servers, passwords, TLS, and what a run folder keeps.
// The model is the sim (an offline simulation, not a language model).
const DB = 2;
const PASSWORD = "queue-Passw0rd-never-stored";
const USER = "sg-test-user";

let redis: TestRedis;
let tmp: string;
let tasksFile: string;

/** Six sim-world tasks with their files, in a folder of their own. */
async function smallWorld(dir: string): Promise<string> {
  const world = EXAMPLE_WORLD;
  const lines = (await readFile(join(world, "tasks.jsonl"), "utf8")).trim().split("\n").slice(0, 6);
  for (const line of lines) {
    const id = JSON.parse(line).id as string;
    await cp(join(world, "files", id), join(dir, "files", id), { recursive: true });
  }
  await writeFile(join(dir, "tasks.jsonl"), `${lines.join("\n")}\n`);
  return join(dir, "tasks.jsonl");
}

/** `skillgrad eval` of the seed skill on the six tasks, with the sim. */
const smallEval = (runsDir: string, ...extra: string[]) => [
  "eval",
  "--skill",
  SEED_SKILL,
  "--tasks",
  tasksFile,
  "--model",
  "sim",
  "--runs-dir",
  runsDir,
  ...extra,
];
const evalArgs = (runsDir: string, queue: string, ...extra: string[]) =>
  smallEval(runsDir, "--queue", queue, "--json", ...extra);

beforeAll(async () => {
  redis = await useRedis();
  await redis.cli("-n", String(DB), "flushdb");
  await redis.cli("ACL", "SETUSER", USER, "reset", "on", `>${PASSWORD}`, "~*", "&*", "+@all");
  tmp = await mkdtemp(join(tmpdir(), "sg-queue-connect-"));
  tasksFile = await smallWorld(join(tmp, "world"));
});

afterAll(async () => {
  await redis?.cli("ACL", "DELUSER", USER).catch(() => undefined);
  await redis?.stop();
});

describe("--queue URLs", () => {
  it("refuses a URL that is not redis:// or rediss:// with a usage error, before making a run folder", async () => {
    const result = await runCli(evalArgs(join(tmp, "bad"), "localhost:6379"));
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(
      /not a Redis URL.*redis:\/\/host\[:port\]\[\/db\] \(user:password@host to log in\)/,
    );
    expect(existsSync(join(tmp, "bad"))).toBe(false);
  });

  it("says so in one line when nothing answers, or the password is wrong, and never prints the password", async () => {
    const port = await freePort();
    const down = await runCli(evalArgs(join(tmp, "down"), `redis://127.0.0.1:${port}`));
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      new RegExp(`^skillgrad: cannot use the queue at redis://127.0.0.1:${port}: nothing answers there`),
    );
    expect(down.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(tmp, "down"))).toBe(false);

    const wrong = await runCli(
      evalArgs(join(tmp, "wrong"), `redis://${USER}:not-the-Passw0rd-42@127.0.0.1:${redis.port}/${DB}`),
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`cannot use the queue at redis://***@127.0.0.1:${redis.port}/${DB}`);
    expect(wrong.stderr).toContain("Redis refused the user or password");
    expect(wrong.stderr).not.toContain("not-the-Passw0rd-42");

    const workers = await runCli(["workers", "--queue", `redis://127.0.0.1:${port}`]);
    expect(workers.code).toBe(1);
    expect(workers.stderr).toMatch(/cannot use the queue/);
  });

  it("runs with a password, and keeps it out of the run folder", async () => {
    const url = `redis://${USER}:${PASSWORD}@127.0.0.1:${redis.port}/${DB}`;
    const worker = await startWorkerProcess(url, { name: "pw", cacheDir: join(tmp, "cache-pw") });
    try {
      const result = await runCli(evalArgs(join(tmp, "pw-runs"), url), { timeoutMs: 120_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ runs: 6, status: "done" });
      expect(result.stderr + result.stdout).not.toContain(PASSWORD);
      const files = await filesUnder(join(tmp, "pw-runs"));
      expect(files.length).toBeGreaterThan(5);
      for (const file of files) expect(await readFile(file, "utf8"), file).not.toContain(PASSWORD);
      const run = (await readdir(join(tmp, "pw-runs"))).find((name) => !name.startsWith(".")) as string;
      const config = JSON.parse(await readFile(join(tmp, "pw-runs", run, "config.json"), "utf8"));
      expect(config.queue).toBe(`redis://***@127.0.0.1:${redis.port}/${DB}`);
      expect(worker.output()).not.toContain(PASSWORD);
    } finally {
      await worker.stop();
    }
  }, 180_000);

  it("runs over TLS (rediss://) with the server's certificate checked", async () => {
    const certs = join(tmp, "tls");
    await mkdir(certs);
    const ssl = (...args: string[]) => execFileSync("openssl", args, { cwd: certs, stdio: "pipe" });
    ssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "2",
      "-subj",
      "/CN=sg test CA",
    );
    ssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
      "-subj",
      "/CN=127.0.0.1",
    );
    await writeFile(join(certs, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
    ssl(
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.pem",
      "-days",
      "2",
      "-extfile",
      "san.ext",
    );
    const server = await startRedisServer(
      [
        "--port",
        "0",
        "--tls-cert-file",
        join(certs, "server.pem"),
        "--tls-key-file",
        join(certs, "server.key"),
        "--tls-ca-cert-file",
        join(certs, "ca.pem"),
        "--tls-auth-clients",
        "no",
        "--requirepass",
        PASSWORD,
      ],
      "--tls-port",
    );
    const url = `rediss://:${PASSWORD}@127.0.0.1:${server.port}`;
    const env = { NODE_EXTRA_CA_CERTS: join(certs, "ca.pem") };
    try {
      // without the private CA the certificate is not trusted: refused, not silently accepted
      const untrusted = await runCli(evalArgs(join(tmp, "tls-untrusted"), url));
      expect(untrusted.code).toBe(1);
      expect(untrusted.stderr).toMatch(/cannot use the queue at rediss:\/\/\*\*\*@127.0.0.1/);
      expect(untrusted.stderr).not.toContain(PASSWORD);
      // plain redis:// to a TLS port does not work either
      const plain = await runCli(
        evalArgs(join(tmp, "tls-plain"), `redis://:${PASSWORD}@127.0.0.1:${server.port}`),
      );
      expect(plain.code).toBe(1);

      const worker = await startWorkerProcess(url, { name: "tls", cacheDir: join(tmp, "cache-tls"), env });
      try {
        const result = await runCli(evalArgs(join(tmp, "tls-runs"), url), { env, timeoutMs: 120_000 });
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ runs: 6, status: "done" });
        for (const file of await filesUnder(join(tmp, "tls-runs")))
          expect(await readFile(file, "utf8")).not.toContain(PASSWORD);
      } finally {
        await worker.stop();
      }
    } finally {
      await server.stop();
    }
  }, 180_000);
});

describe("start-up stays light", () => {
  const moduleLog = useModuleLog();
  const queueModules = (modules: string[]) =>
    modules.filter((url) => /node_modules\/(bullmq|ioredis)\/|dist\/queue\//.test(url));

  it("worker --help and workers --help load neither Redis nor BullMQ", async () => {
    for (const command of ["worker", "workers"]) {
      const modules = await moduleLog.loaded([command, "--help"]);
      expect(queueModules(modules), command).toEqual([]);
      expect(modules.filter((url) => url.includes("/node_modules/") && !url.includes("/commander/"))).toEqual(
        [],
      );
    }
  });

  it("a local eval (no --queue) loads neither Redis nor BullMQ", async () => {
    const modules = await moduleLog.loaded(smallEval(join(tmp, "startup-runs"), "--quiet"));
    expect(modules.some((url) => url.endsWith("dist/eval/evaluate.js"))).toBe(true);
    expect(queueModules(modules)).toEqual([]);
  });
});
