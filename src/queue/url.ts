import { isIP } from "node:net";
import { UsageError } from "../errors.js";
import { registerUrlSecrets } from "../util/secrets.js";

/** A Redis server to queue rollouts on, from `--queue redis://[user:password@]host[:port][/db]`. */
export interface QueueAddress {
  /** The URL as given (with its password: never written anywhere). */
  url: string;
  /** The URL with its credentials replaced by "***": what run folders and messages show. */
  shown: string;
  host: string;
  port: number;
  db: number;
  /** rediss:// — TLS (the server's certificate is checked; NODE_EXTRA_CA_CERTS adds a private CA). */
  tls: boolean;
  username?: string;
  password?: string;
}

// (written so that the masking of URL credentials in every output leaves it readable)
const FORM = "redis://host[:port][/db] (user:password@host to log in), or rediss://… for TLS";

/** Parses and checks a queue URL; a bad one is a usage error saying what form is expected. */
export function parseQueueUrl(text: string): QueueAddress {
  const url = text.trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--queue ${maskQueueUrl(url)} is not a URL: use ${FORM}`);
  }
  const tls = parsed.protocol === "rediss:";
  if (!tls && parsed.protocol !== "redis:") {
    throw new UsageError(
      `--queue ${maskQueueUrl(url)} is not a Redis URL (${parsed.protocol.replace(/:$/, "")}): use ${FORM}`,
    );
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new UsageError(`--queue ${maskQueueUrl(url)} names no host: use ${FORM}`);
  const path = parsed.pathname.replace(/^\//, "");
  const db = path === "" ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0) {
    throw new UsageError(`--queue ${maskQueueUrl(url)}: the database "/${path}" must be a whole number ≥ 0`);
  }
  if (parsed.search || parsed.hash) {
    throw new UsageError(`--queue ${maskQueueUrl(url)}: options after "?" or "#" are not read; use ${FORM}`);
  }
  const username = decode(parsed.username);
  const password = decode(parsed.password);
  // from now on the password is masked wherever skillgrad writes or prints (src/util/secrets.ts)
  registerUrlSecrets(url);
  return {
    url,
    shown: maskQueueUrl(url),
    host,
    port: parsed.port ? Number(parsed.port) : 6379,
    db,
    tls,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  };
}

/** The URL with its user-info part (user, password) replaced by "***". */
export function maskQueueUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, "$1***@");
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Options for ioredis (and BullMQ, which passes them on). */
export function redisOptions(address: QueueAddress) {
  return {
    host: address.host,
    port: address.port,
    db: address.db,
    ...(address.username ? { username: address.username } : {}),
    ...(address.password ? { password: address.password } : {}),
    // the certificate is checked against the host; SNI carries a name, never an address
    ...(address.tls ? { tls: isIP(address.host) ? {} : { servername: address.host } } : {}),
  };
}
