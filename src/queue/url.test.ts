import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { failureReason, jobIdFor, keyText, readFailure } from "./job.js";
import { maskQueueUrl, parseQueueUrl, redisOptions } from "./url.js";

describe("queue URLs", () => {
  it("reads host, port, database, credentials and TLS", () => {
    const plain = parseQueueUrl("redis://10.0.0.5:6380/3");
    expect(plain).toMatchObject({
      host: "10.0.0.5",
      port: 6380,
      db: 3,
      tls: false,
      shown: "redis://10.0.0.5:6380/3",
    });
    const secret = parseQueueUrl("rediss://worker:p%40ss-word-1@cache.example:6390");
    expect(secret).toMatchObject({
      host: "cache.example",
      port: 6390,
      db: 0,
      tls: true,
      username: "worker",
      password: "p@ss-word-1",
    });
    expect(secret.shown).toBe("rediss://***@cache.example:6390");
    expect(redisOptions(secret)).toMatchObject({
      tls: { servername: "cache.example" },
      password: "p@ss-word-1",
    });
    expect(parseQueueUrl("redis://:only-pass-123@h").password).toBe("only-pass-123");
    expect(parseQueueUrl("redis://h").port).toBe(6379);
  });

  it("refuses what is not a Redis URL, with the form to use and the password masked", () => {
    for (const bad of [
      "localhost:6379",
      "http://h:1",
      "redis://h/x",
      "redis://u:pw-secret-9@h/1?tls=1",
      "redis://",
    ]) {
      let caught: unknown;
      try {
        parseQueueUrl(bad);
      } catch (error) {
        caught = error;
      }
      expect(caught, bad).toBeInstanceOf(UsageError);
      expect((caught as Error).message).not.toContain("pw-secret-9");
    }
  });

  it("masks the user-info part only", () => {
    expect(maskQueueUrl("redis://a:b@h:1/2")).toBe("redis://***@h:1/2");
    expect(maskQueueUrl("redis://h:1/2")).toBe("redis://h:1/2");
  });
});

describe("rollout keys and failures", () => {
  it("gives one job id per (run, version, task, repeat)", () => {
    const key = { run: "r1", version: "a".repeat(64), task: "t:1", repeat: 0 };
    expect(jobIdFor(key)).toBe(jobIdFor({ ...key }));
    expect(jobIdFor(key)).not.toBe(jobIdFor({ ...key, repeat: 1 }));
    expect(jobIdFor(key)).not.toBe(jobIdFor({ ...key, version: "none" }));
    expect(jobIdFor(key)).toMatch(/^r-[0-9a-f]{40}$/);
    expect(keyText(key)).toBe("r1/aaaaaaaaaaaa/t:1/r0");
  });

  it("carries the kind of a failure through BullMQ's failed reason", () => {
    expect(readFailure(failureReason("budget:maxCalls", "budget reached"))).toEqual({
      kind: "budget:maxCalls",
      message: "budget reached",
    });
    expect(readFailure("Error: something")).toEqual({ kind: "other", message: "Error: something" });
  });
});
