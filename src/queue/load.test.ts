import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SkillgradError } from "../errors.js";
import { loadQueue, QUEUE_PEERS, QUEUE_PEERS_MISSING } from "./load.js";

// bullmq and ioredis are optional peer dependencies: a missing one is one line saying what to install.

function notFound(message: string): Error {
  return Object.assign(new Error(message), { code: "ERR_MODULE_NOT_FOUND" });
}

describe("loadQueue", () => {
  it("turns a missing bullmq or ioredis into what to install", async () => {
    for (const name of ["bullmq", "ioredis"]) {
      const missing = notFound(
        `Cannot find package '${name}' imported from /usr/lib/node_modules/skillgrad/dist/queue/redis.js`,
      );
      const caught = await loadQueue(() => Promise.reject(missing)).catch((error: unknown) => error);
      expect(caught).toBeInstanceOf(SkillgradError);
      expect((caught as Error).message).toBe(QUEUE_PEERS_MISSING);
      expect((caught as Error).cause).toBe(missing);
    }
    expect(QUEUE_PEERS_MISSING).toContain("npm i bullmq@6 ioredis@5` where skillgrad is installed");
  });

  it("passes other failures through unchanged", async () => {
    const other = notFound("Cannot find package 'left-pad' imported from /somewhere/index.js");
    await expect(loadQueue(() => Promise.reject(other))).rejects.toBe(other);
    const bug = new TypeError("x is not a function");
    await expect(loadQueue(() => Promise.reject(bug))).rejects.toBe(bug);
  });

  it("loads the queue when its packages are there", async () => {
    const queue = await loadQueue();
    expect(typeof queue.QueueSession.open).toBe("function");
    expect(typeof queue.startWorker).toBe("function");
  });

  it("names the majors package.json asks for", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    for (const [name, major] of Object.entries(QUEUE_PEERS)) {
      expect(pkg.peerDependencies[name]).toMatch(new RegExp(`^\\^${major}\\.`));
      expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
      expect(pkg.devDependencies[name]).toBe(pkg.peerDependencies[name]);
      expect(pkg.dependencies?.[name]).toBeUndefined();
    }
  });
});
