import { normalizeWtq } from "./normalize.js";
import { pyInt, pyIntOrFiniteFloat, pyLower } from "./python2.js";

/** A value as the official evaluator sees it. -1 in a date part means "xx" (unknown). */
export type WtqValue =
  | { kind: "string"; normalized: string }
  | { kind: "number"; amount: number; normalized: string }
  | { kind: "date"; year: number; month: number; day: number; normalized: string };

const TOLERANCE = 1e-6;

/** Python 2 `int(x)` or else a finite `float(x)`. */
export function parseWtqNumber(text: string): number | undefined {
  return pyIntOrFiniteFloat(text);
}

/** `yyyy-mm-dd` where any part may be `xx` (the year also `xxxx`); parts are Python ints, not range-checked beyond 1–12 / 1–31. */
export function parseWtqDate(text: string): [number, number, number] | undefined {
  if (!text.includes("-")) return undefined; // lowering never makes a "-", so no three parts
  const parts = pyLower(text).split("-");
  if (parts.length !== 3) return undefined;
  const [y = "", m = "", d = ""] = parts;
  const year = y === "xx" || y === "xxxx" ? -1 : pyInt(y);
  const month = m === "xx" ? -1 : pyInt(m);
  const day = d === "xx" ? -1 : pyInt(d);
  if (year === undefined || month === undefined || day === undefined) return undefined;
  if (year === -1 && month === -1 && day === -1) return undefined;
  if (month !== -1 && (month < 1 || month > 12)) return undefined;
  if (day !== -1 && (day < 1 || day > 31)) return undefined;
  return [year, month, day];
}

/** Python 2 `unicode(amount)` for an int or a float (`%.12g`), used only when there is no original text. */
function pythonNumberText(amount: number): string {
  if (Number.isInteger(amount)) return String(amount);
  return String(Number(amount.toPrecision(12)));
}

function numberValue(amount: number, original: string): WtqValue {
  // Within 1e-6 of an integer, Python's int() truncates toward zero: 16.9999991 becomes 16.
  const settled = Math.abs(amount - Math.round(amount)) < TOLERANCE ? Math.trunc(amount) : amount;
  return {
    kind: "number",
    amount: settled,
    normalized: original ? normalizeWtq(original) : pythonNumberText(settled),
  };
}

/**
 * Builds one value: `parseAs` (the canonical form for targets, the text itself for predictions)
 * decides number / date / string; `original` gives the normalized string every value also matches by.
 */
export function toWtqValue(original: string, parseAs?: string): WtqValue {
  const source = parseAs ? parseAs : original;
  const amount = parseWtqNumber(source);
  if (amount !== undefined) return numberValue(amount, original);
  const ymd = parseWtqDate(source);
  if (ymd !== undefined) {
    const [year, month, day] = ymd;
    if (month === -1 && day === -1) return numberValue(year, original);
    const normalized = original
      ? normalizeWtq(original)
      : `${year === -1 ? "xx" : year}-${month === -1 ? "xx" : month}-${day}`;
    return { kind: "date", year, month, day, normalized };
  }
  return { kind: "string", normalized: normalizeWtq(original) };
}

/** Identity inside a Python set: strings by normalized text, numbers by amount, dates by (y, m, d). */
function setKey(value: WtqValue): string {
  switch (value.kind) {
    case "string":
      return `s\u0000${value.normalized}`;
    case "number":
      return `n\u0000${value.amount === 0 ? 0 : value.amount}`;
    case "date":
      return `d\u0000${value.year}\u0000${value.month}\u0000${value.day}`;
  }
}

/** `list(set(values))`: equal values collapse and the first one seen is kept. */
export function toWtqValueSet(originals: readonly string[], parseAs?: readonly string[]): WtqValue[] {
  const byKey = new Map<string, WtqValue>();
  originals.forEach((original, index) => {
    const value = toWtqValue(original, parseAs?.[index]);
    const key = setKey(value);
    if (!byKey.has(key)) byKey.set(key, value);
  });
  return [...byKey.values()];
}

/** `target.match(prediction)`: equal normalized strings, or numbers within 1e-6, or equal dates. */
export function wtqValueMatches(target: WtqValue, predicted: WtqValue): boolean {
  if (target.normalized === predicted.normalized) return true;
  if (target.kind === "number" && predicted.kind === "number") {
    return Math.abs(target.amount - predicted.amount) < TOLERANCE;
  }
  if (target.kind === "date" && predicted.kind === "date") {
    return target.year === predicted.year && target.month === predicted.month && target.day === predicted.day;
  }
  return false;
}

/** Same number of distinct values, and every target matched by some prediction. */
export function denotationMatches(targets: readonly WtqValue[], predicted: readonly WtqValue[]): boolean {
  if (targets.length !== predicted.length) return false;
  return targets.every((target) => predicted.some((value) => wtqValueMatches(target, value)));
}
