import { Redis } from "ioredis";
import { errorMessage, SkillgradError } from "../errors.js";
import { type QueueAddress, redisOptions } from "./url.js";

/** BullMQ's key prefix and the queue's name: every key skillgrad makes starts with "skillgrad:". */
export const PREFIX = "skillgrad";
export const QUEUE_NAME = "rollouts";

/** Options for BullMQ's own connections: they wait through a Redis restart instead of failing. */
export function bullConnection(address: QueueAddress) {
  return { ...redisOptions(address), maxRetriesPerRequest: null };
}

/**
 * Connects to the queue's Redis and checks it answers, failing fast with one line that says what
 * is wrong (unreachable, refused credentials, TLS) instead of retrying forever. The client then
 * reconnects by itself if the connection drops.
 */
export async function connectRedis(address: QueueAddress): Promise<Redis> {
  const probe = new Redis({
    ...redisOptions(address),
    lazyConnect: true,
    connectTimeout: 10_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let firstError: unknown;
  probe.on("error", (error: unknown) => {
    firstError ??= error;
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    // once the connection has ended, disconnect() would only keep the process waiting
    if (probe.status !== "end") probe.disconnect();
    throw new SkillgradError(
      `cannot use the queue at ${address.shown}: ${reason(firstError ?? error)}; check the URL (host, port, password, redis:// or rediss://) and that Redis is running`,
      { cause: error },
    );
  }
  probe.disconnect();
  // connects at its first command, so a run that stops before using the queue holds no socket open
  const client = new Redis({ ...redisOptions(address), maxRetriesPerRequest: null, lazyConnect: true });
  // a dropped connection is retried by ioredis; the error event must have a listener
  client.on("error", () => {});
  return client;
}

function reason(error: unknown): string {
  const text = errorMessage(error);
  if (/WRONGPASS|NOAUTH|invalid username-password/i.test(text)) return "Redis refused the user or password";
  if (/ECONNREFUSED/.test(text)) return "nothing answers there (connection refused)";
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return "the host name does not resolve";
  return text.split("\n")[0] ?? text;
}
