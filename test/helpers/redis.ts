import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI } from "./cli.js";

/**
 * The real Redis the queue tests use: the one `.ci/run` starts (SKILLGRAD_TEST_REDIS_URL, a scratch
 * server: tests empty the databases they use), or else one started here on 127.0.0.1 with a
 * temporary folder. Each test file uses its own database number, so files can run side by side.
 */
export interface TestRedis {
  host: string;
  port: number;
  /** redis://host:port/db */
  url(db: number): string;
  /** Runs redis-cli against the server (e.g. to flush a database or add an ACL user). */
  cli(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      err += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(" ")}: ${err || out}`)),
    );
  });
}

/** Starts redis-server with extra arguments on a free port; resolves once it answers. */
export async function startRedisServer(
  extra: string[] = [],
  portArg = "--port",
): Promise<{
  port: number;
  dir: string;
  stop(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "sg-redis-"));
  const port = await freePort();
  const child = spawn(
    "redis-server",
    [
      "--bind",
      "127.0.0.1",
      portArg,
      String(port),
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    log += chunk;
  });
  const failed = new Promise<never>((_, reject) => {
    child.on("error", (error) =>
      reject(new Error(`cannot start redis-server (${error.message}): run scripts/install-system-deps.sh`)),
    );
    child.on("exit", (code) => reject(new Error(`redis-server exited (${code}): ${log}`)));
  });
  const ready = (async () => {
    for (let i = 0; i < 100; i++) {
      if (/Ready to accept connections/.test(log)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`redis-server did not start: ${log}`);
  })();
  await Promise.race([ready, failed]);
  failed.catch(() => undefined);
  return {
    port,
    dir,
    async stop() {
      child.removeAllListeners("exit");
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function useRedis(): Promise<TestRedis> {
  const given = process.env.SKILLGRAD_TEST_REDIS_URL;
  let host = "127.0.0.1";
  let port: number;
  let stop = async () => {};
  if (given) {
    const url = new URL(given);
    host = url.hostname;
    port = Number(url.port || 6379);
  } else {
    const server = await startRedisServer(["--databases", "64"]);
    port = server.port;
    stop = server.stop;
  }
  return {
    host,
    port,
    url: (db) => `redis://${host}:${port}/${db}`,
    cli: (...args) => run("redis-cli", ["-h", host, "-p", String(port), ...args]),
    stop,
  };
}

/** A `skillgrad worker` process. */
export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves when it has exited. */
  exited: Promise<number | null>;
  /** SIGTERM (it finishes its running rollouts), then waits for the exit. */
  stop(): Promise<void>;
}

export async function startWorkerProcess(
  queueUrl: string,
  options: {
    name: string;
    concurrency?: number;
    cacheDir: string;
    stallTimeoutSec?: number;
    env?: NodeJS.ProcessEnv;
    extra?: string[];
  },
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      "worker",
      "--queue",
      queueUrl,
      "--name",
      options.name,
      "--concurrency",
      String(options.concurrency ?? 2),
      "--cache-dir",
      options.cacheDir,
      "--stall-timeout",
      String(options.stallTimeoutSec ?? 30),
      ...(options.extra ?? []),
    ],
    { env: { ...process.env, NO_COLOR: "1", ...options.env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  for (let i = 0; i < 300 && !/taking rollouts/.test(output); i++) {
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!/taking rollouts/.test(output)) {
    child.kill("SIGKILL");
    throw new Error(`worker ${options.name} did not start: ${output}`);
  }
  return {
    name: options.name,
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
