/**
 * Secrets never reach a run folder, a ledger, a report or the cache. Every file skillgrad writes
 * for a record goes through `maskText` (src/util/fs.ts is the choke point), which replaces:
 * - the value of every known secret: each environment variable that names a key, token, secret or
 *   password (OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENAI_COMPATIBLE_API_KEY, …), the password and
 *   key-like query values of every URL-valued variable, and whatever `registerSecret` was given
 *   (model URLs with credentials, a queue's Redis password);
 * - credentials inside any URL (`scheme://user:pass@host` → `scheme://***@host`) and key-like query
 *   parameters (`?api-key=…`, `key=`, `token=`, `access_token=`, …);
 * - `Bearer <token>` and API-key-looking text (`sk-…`), e.g. a key a server echoed in an error.
 */
import { SkillgradError } from "../errors.js";

export const MASK = "***";

const SECRET_KEY_NAME = /key|token|secret|password|authorization/i;
// Plural "tokens" names counts and limits (maxTokens, inputTokens), not credentials.
const TOKEN_COUNT_NAME = /tokens$/i;
// OpenAI ("sk-…", "sk-proj-…") and Anthropic ("sk-ant-…") keys, wherever they appear in a string.
const API_KEY_LIKE = /\bsk-[A-Za-z0-9_-]{8,}/g;
// The user-info part of a URL: "https://user:pass@host" → "https://***@host".
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
// Query parameters that carry a key; "&amp;" too, as a URL appears inside HTML.
const SECRET_QUERY_PARAM =
  /((?:[?&]|&amp;)(?:api[-_]?key|apikey|key|token|access[-_]?token|auth|password|secret|sig|signature)=)[^&#\s"'<>\\]+/gi;
// A token may hold dots (a JWT) but does not end with one (the end of a sentence).
const BEARER = /\b([Bb]earer\s+)[A-Za-z0-9._~+/-]{7,}[A-Za-z0-9_~+/-]=*/g;
/** Environment variables whose values are secrets. */
const SECRET_VARIABLE = /(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)$/i;
/** Shorter values are not masked on their own: masking "x" or "true" everywhere would garble records. */
const MIN_SECRET_LENGTH = 6;

const registered = new Set<string>();

/** Adds a value to mask wherever it appears in a record (e.g. a Redis password from a URL). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SECRET_LENGTH) registered.add(value);
}

/** Registers the password and key-like query values of a URL (e.g. a model's base URL). */
export function registerUrlSecrets(url: string | undefined): void {
  for (const value of urlSecrets(url)) registerSecret(value);
}

function urlSecrets(url: string | undefined): string[] {
  if (!url || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const found = [parsed.password, decodeSafely(parsed.password), parsed.username];
  for (const [name, value] of parsed.searchParams)
    if (new RegExp(SECRET_QUERY_PARAM.source, "i").test(`?${name}=x`)) found.push(value);
  return found.filter((value) => value.length >= MIN_SECRET_LENGTH);
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Every secret value known now: from the environment (read each time: it may change) and registered. */
export function knownSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const values = new Set(registered);
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_VARIABLE.test(name) && value.trim().length >= MIN_SECRET_LENGTH) values.add(value.trim());
    for (const secret of urlSecrets(value)) values.add(secret);
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...values].sort((a, b) => b.length - a.length);
}

/** `text` with every secret (see the file comment) replaced by "***". */
export function maskText(text: string): string {
  let out = text;
  for (const secret of knownSecrets()) {
    out = out.replaceAll(secret, MASK);
    // The same value as it appears inside a JSON string (quotes and backslashes escaped).
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.replaceAll(escaped, MASK);
  }
  return out
    .replace(URL_CREDENTIALS, `$1${MASK}@`)
    .replace(SECRET_QUERY_PARAM, `$1${MASK}`)
    .replace(BEARER, `$1${MASK}`)
    .replace(API_KEY_LIKE, MASK);
}

/**
 * A copy of `value` safe to write into a run folder: values under secret-looking keys become "***",
 * and every string is masked with `maskText`. Numbers/booleans under such keys (e.g. maxTokens)
 * are settings, not secrets, and are kept.
 */
export function maskSecrets(value: unknown): unknown {
  return mask(value, new WeakSet());
}

function mask(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return maskText(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => mask(item, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSecretKey(key) && (typeof item === "string" || isObject(item)) ? MASK : mask(item, seen);
  }
  return out;
}

function isSecretKey(key: string): boolean {
  return SECRET_KEY_NAME.test(key) && !TOKEN_COUNT_NAME.test(key);
}

function isObject(value: unknown): boolean {
  return value !== null && typeof value === "object";
}

/** Whether a string went through masking with something hidden (a masked model URL, say). */
export function isMasked(text: string): boolean {
  return text.includes(MASK);
}

/**
 * For a resumed run: config.json keeps model strings with their credentials masked, so each masked
 * one is replaced by a model the user gives again (--model, --executor-model, --optimizer-model)
 * whose masked form is the same; without one the run cannot call that model, which is an error.
 */
export function restoreMaskedModels<T extends Record<string, string>>(
  stored: T,
  given: Array<string | undefined>,
  runDir: string,
): T {
  const restored: Record<string, string> = { ...stored };
  for (const [role, spec] of Object.entries(stored)) {
    if (!isMasked(spec)) continue;
    const match = given.find((candidate) => candidate && maskText(candidate.trim()) === spec);
    if (!match) {
      throw new SkillgradError(
        `${runDir} ran the ${role} on ${spec}, whose credentials config.json keeps masked; resume with the same model given again (--model, --executor-model or --optimizer-model)`,
      );
    }
    restored[role] = match.trim();
  }
  return restored as T;
}
