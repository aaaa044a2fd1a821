import { isAscii, pyCollapseSpaces, pyLower, pyStrip } from "./python2.js";

const COMBINING_MARK = /\p{Mn}/gu;
const SINGLE_QUOTES = /[\u2018\u2019\u00b4`]/g;
const DOUBLE_QUOTES = /[\u201c\u201d]/g;
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2212]/g;
// A trailing run of citation marks: "[…]" (unless it starts the string), "[12]" anywhere, or •♦†‡*#+.
const TRAILING_CITATIONS = /(?:(?<!^)\[[^\]]*\]|\[\d+\]|[\u2022\u2666\u2020\u2021*#+])*$/;
// A trailing run of " (…)" groups; the space before "(" is required.
const TRAILING_PARENTHESES = /(?<!^)(?: \([^)]*\))*$/;
const OUTER_DOUBLE_QUOTES = /^"([^"]*)"$/;
// What the removal loop below can remove always ends in one of these (after stripping).
const REMOVABLE_END = /[\]\u2022\u2666\u2020\u2021*#+)"]$/;

/**
 * The official evaluator's string normalisation: NFKD without combining marks, ASCII quotes and
 * dashes, trailing citations / parenthesised details / outer quotes removed until nothing changes,
 * one final "." dropped, whitespace collapsed, lowercased and stripped (Python 2 semantics).
 */
export function normalizeWtq(text: string): string {
  let x: string;
  if (isAscii(text)) {
    // ASCII text is its own NFKD form, has no combining marks, and of the quotes and dashes only "`".
    x = text.includes("`") ? text.replaceAll("`", "'") : text;
  } else {
    x = text.normalize("NFKD").replace(COMBINING_MARK, "");
    x = x.replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"').replace(DASHES, "-");
  }
  x = pyStrip(x);
  while (REMOVABLE_END.test(x)) {
    const before = x;
    x = pyStrip(x).replace(TRAILING_CITATIONS, "");
    x = pyStrip(x).replace(TRAILING_PARENTHESES, "");
    x = pyStrip(x).replace(OUTER_DOUBLE_QUOTES, "$1");
    if (x === before) break;
  }
  if (x.endsWith(".")) x = x.slice(0, -1);
  return pyStrip(pyLower(pyCollapseSpaces(x)));
}
