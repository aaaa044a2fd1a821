import { createHash } from "node:crypto";
import { UsageError } from "../errors.js";

/**
 * Faults serve can inject, to test clients (and skillgrad's own model layer) under failure:
 * - 429, 500: an error response in the API's shape, before the model is called;
 * - reset: the connection is dropped without an answer, after the model answered;
 * - timeout: no answer at all (the connection stays open until the client gives up);
 * - malformed: a 200 whose body (or stream event) is not valid JSON, after the model answered;
 * - truncated: the answer cut off halfway (a body shorter than its length, or a stream that stops).
 * The faults after the model call exercise "the work was done but never arrived": a retry must
 * be answered from serve's cache, not paid again.
 */
export const FAULT_KINDS = ["429", "500", "reset", "timeout", "malformed", "truncated"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSettings {
  kinds: FaultKind[];
  /** Probability (0–1) that a request gets a fault. */
  rate: number;
  seed: number;
}

export function parseFaultKinds(text: string): FaultKind[] {
  const kinds = text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  for (const kind of kinds) {
    if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
      throw new UsageError(
        `unknown fault "${kind}": use a comma-separated list of ${FAULT_KINDS.join(", ")}`,
      );
    }
  }
  if (kinds.length === 0) throw new UsageError(`--faults needs at least one of ${FAULT_KINDS.join(", ")}`);
  return [...new Set(kinds)] as FaultKind[];
}

/**
 * Chooses faults repeatably: the decision for a request depends on the seed, the request body and
 * how many times that same body was seen before, not on arrival order, so concurrent clients see
 * the same faults in every run.
 */
export class FaultPlan {
  private readonly seen = new Map<string, number>();

  constructor(private readonly settings: FaultSettings | undefined) {}

  /** The fault for this request, or undefined to answer normally. */
  next(route: string, body: string): FaultKind | undefined {
    const settings = this.settings;
    if (!settings || settings.rate <= 0 || settings.kinds.length === 0) return undefined;
    const bodyHash = createHash("sha256").update(route).update("\0").update(body).digest("hex");
    const occurrence = this.seen.get(bodyHash) ?? 0;
    this.seen.set(bodyHash, occurrence + 1);
    const draw = createHash("sha256").update(`${settings.seed}:${bodyHash}:${occurrence}`).digest();
    const uniform = draw.readUInt32BE(0) / 2 ** 32;
    if (uniform >= settings.rate) return undefined;
    return settings.kinds[draw.readUInt32BE(4) % settings.kinds.length];
  }
}
