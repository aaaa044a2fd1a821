import { effectiveRules, formatRule, parseRules, type Rule } from "./library/rules.js";

/** Pattern helpers shared by the simulated momentum keeper and patcher (generic: rules and names only). */

/** A pattern slug from a diagnosis label: lowercase words joined by hyphens. */
export function patternSlug(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "pattern"
  );
}

/** The reference a new pattern's guidance goes to: named from the pattern. */
export function referenceFor(slug: string): string {
  return `references/${slug}.md`;
}

/** Rules merged: a later rule replaces an earlier one about the same operation and column. */
export function mergeRules(earlier: Rule[], later: Rule[]): Rule[] {
  return effectiveRules([...earlier, ...later]);
}

/** A pattern description holding rules: one rule line each. */
export function describeRules(rules: Rule[]): string {
  return rules.map(formatRule).join("\n");
}

export const rulesIn = parseRules;
