/**
 * Python 2.7 string semantics the official WTQ evaluator depends on: which characters are whitespace,
 * per-character lower(), and what `int()` / `float()` accept for a unicode string.
 * Python 2.7 ships Unicode 5.2; the differences from Node's newer tables that matter are handled here.
 */

/** Python 2 unicode whitespace (`\s` with re.UNICODE, `strip()`): bidi WS/B/S or category Zs in Unicode 5.2. */
export const PY_SPACE_CLASS =
  "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u180e\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

const EDGE_SPACE = new RegExp(`^[${PY_SPACE_CLASS}]+|[${PY_SPACE_CLASS}]+$`, "g");
const SPACE_RUN = new RegExp(`[${PY_SPACE_CLASS}]+`, "g");
const SINGLE_SPACE = new RegExp(`^[${PY_SPACE_CLASS}]$`);

export function pyStrip(text: string): string {
  return text.replace(EDGE_SPACE, "");
}

/** `re.sub(r'\s+', ' ', x, flags=re.U)` */
export function pyCollapseSpaces(text: string): string {
  return text.replace(SPACE_RUN, " ");
}

function hasInfoSeparator(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x1c && code <= 0x1f) return true;
  }
  return false;
}

/** Every code unit below 0x80 (a loop: cheaper than a regular expression on short, cold text). */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
const lowerCache = new Map<string, string>();

/** One code point lowered the way Python 2 does it: a simple 1:1 mapping, no context (no final sigma). */
function lowerCodePoint(ch: string): string {
  const cached = lowerCache.get(ch);
  if (cached !== undefined) return cached;
  const cp = ch.codePointAt(0) ?? 0;
  let lowered: string;
  // Cherokee capitals only gained lowercase forms in Unicode 8.0.
  if (cp >= 0x13a0 && cp <= 0x13f5) lowered = ch;
  else {
    // JS gives "i̇" (two code points) for U+0130; Python's simple mapping is the first one, "i".
    const full = ch.toLowerCase();
    lowered = String.fromCodePoint(full.codePointAt(0) ?? cp);
  }
  lowerCache.set(ch, lowered);
  return lowered;
}

/** Python 2 `unicode.lower()`. */
export function pyLower(text: string): string {
  if (isAscii(text)) return text.toLowerCase();
  let out = "";
  for (const ch of text) out += lowerCodePoint(ch);
  return out;
}

const DECIMAL_DIGIT = /^\p{Nd}$/u;
// Python counts the ASCII information separators as whitespace.
// biome-ignore lint/suspicious/noControlCharactersInRegex: they are exactly what is matched
const ASCII_INFO_SEPARATORS = /[\x1c-\x1f]/g;
const digitCache = new Map<number, number>();

/**
 * The value of a Unicode decimal digit (category Nd), or -1. Decimal digits always come in runs of ten
 * starting at zero, so the value is the count of Nd code points just before it, modulo 10.
 */
function decimalValue(cp: number): number {
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  const cached = digitCache.get(cp);
  if (cached !== undefined) return cached;
  let value = -1;
  if (DECIMAL_DIGIT.test(String.fromCodePoint(cp))) {
    let before = 0;
    while (DECIMAL_DIGIT.test(String.fromCodePoint(cp - before - 1))) before++;
    value = before % 10;
  }
  digitCache.set(cp, value);
  return value;
}

/**
 * `PyUnicode_EncodeDecimal`, the first step of Python 2 `int(u"…")` and `float(u"…")`: whitespace becomes
 * " ", decimal digits of any script become ASCII digits, other Latin-1 characters pass through, and
 * anything else makes the conversion fail (undefined).
 */
function encodeDecimal(text: string): string | undefined {
  if (isAscii(text)) {
    if (text.includes("\0")) return undefined;
    return hasInfoSeparator(text) ? text.replace(ASCII_INFO_SEPARATORS, " ") : text;
  }
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (SINGLE_SPACE.test(ch)) out += " ";
    else {
      const digit = decimalValue(cp);
      if (digit >= 0) out += String(digit);
      else if (cp > 0 && cp < 256) out += ch;
      else return undefined;
    }
  }
  return out;
}

// C isspace() in the C locale, used by Python's own number parsers once the text is ASCII.
const C_INT = /^[ \t\n\v\f\r]*([+-]?)[ \t\n\v\f\r]*([0-9]+)[ \t\n\v\f\r]*$/;

/**
 * Python 2 `int(text)`: surrounding whitespace, a sign (even followed by spaces: `int("- 5")` is -5),
 * leading zeros and non-ASCII decimal digits are accepted; `1_000`, `1,000`, `0x10`, `5L` are not.
 * Integers beyond 2^53 lose precision here (Python keeps them exact).
 */
export function pyInt(text: string): number | undefined {
  const ascii = encodeDecimal(text);
  return ascii === undefined ? undefined : intOfAscii(ascii);
}

function intOfAscii(ascii: string): number | undefined {
  const match = C_INT.exec(ascii);
  if (!match) return undefined;
  const [, sign = "", digits = ""] = match;
  const value = Number(digits);
  return sign === "-" ? -value : value;
}

const C_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const PY_ISSPACE_EDGES = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

/**
 * Python 2 `float(text)` restricted to finite results (the evaluator rejects NaN and infinities, so
 * "nan"/"inf" spellings are simply not numbers here). No whitespace is allowed after the sign.
 */
export function pyFiniteFloat(text: string): number | undefined {
  const ascii = encodeDecimal(text);
  return ascii === undefined ? undefined : finiteFloatOfAscii(ascii);
}

/** `int(text)`, else a finite `float(text)` (the evaluator's number test), encoding the text once. */
export function pyIntOrFiniteFloat(text: string): number | undefined {
  const ascii = encodeDecimal(text);
  if (ascii === undefined || !hasAsciiDigit(ascii)) return undefined; // both need a digit
  return intOfAscii(ascii) ?? finiteFloatOfAscii(ascii);
}

function hasAsciiDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) return true;
  }
  return false;
}

function finiteFloatOfAscii(ascii: string): number | undefined {
  const body = ascii.replace(PY_ISSPACE_EDGES, "");
  if (!C_FLOAT.test(body)) return undefined;
  const value = Number(body);
  return Number.isFinite(value) ? value : undefined;
}
