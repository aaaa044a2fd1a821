import { z } from "zod";

/** USD per million tokens. `cacheWrite` defaults to `input` (Anthropic charges more to write its cache). */
export const priceSchema = z
  .object({
    input: z.number().nonnegative(),
    cachedInput: z.number().nonnegative(),
    output: z.number().nonnegative(),
    cacheWrite: z.number().nonnegative().optional(),
  })
  .strict();
export type Price = z.infer<typeof priceSchema>;

/** What a model that runs here (a simulation, a local file) costs. */
export const FREE: Price = { input: 0, cachedInput: 0, output: 0 };

// A dated snapshot or alias of a listed model: "gpt-4.1-2025-04-14", "claude-sonnet-4-20250514",
// "claude-3-5-haiku-latest". Anything else ("gpt-5.1", "gpt-4o-audio-preview") is a different model.
const SNAPSHOT_SUFFIX = /^-(\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/** The price of `key` in a table, matching a dated snapshot or alias of a listed name too. */
export function lookupPrice(table: Record<string, Price>, key: string): Price | undefined {
  const exact = table[key];
  if (exact) return exact;
  let best: { length: number; price: Price } | undefined;
  for (const [name, price] of Object.entries(table)) {
    if (!key.startsWith(name) || !SNAPSHOT_SUFFIX.test(key.slice(name.length))) continue;
    if (!best || name.length > best.length) best = { length: name.length, price };
  }
  return best?.price;
}
