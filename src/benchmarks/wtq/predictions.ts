import { gradeWtq } from "./grader.js";
import type { WtqTarget } from "./types.js";

/** One line of an official prediction file. `line` is 1-based. */
export interface WtqPrediction {
  id: string;
  values: string[];
  line: number;
}

export interface WtqGradeResult {
  id: string;
  correct: boolean;
  /** Set when the line was not graded as an answer: "unknown id" or "duplicate id". */
  reason?: "unknown id" | "duplicate id";
}

export interface WtqGradeReport {
  /** One result per prediction, in input order. */
  results: WtqGradeResult[];
  /** correct / graded (0 when nothing was graded). */
  accuracy: number;
  correct: number;
  /** Predictions graded against a question: unknown ids and repeated ids are not counted. */
  graded: number;
}

/**
 * Parses the official prediction format, `id<TAB>value<TAB>value…` per line. A line with only the id
 * predicts no values; `id<TAB>` predicts one empty value. Values are taken verbatim (no TSV unescaping,
 * like the official evaluator). Blank lines are skipped; a CRLF line ending is treated like LF. A byte
 * order mark at the start (as some editors save UTF-8) is not part of the first id.
 */
export function parsePredictionsTsv(text: string): WtqPrediction[] {
  const predictions: WtqPrediction[] = [];
  const lines = (text.startsWith("\uFEFF") ? text.slice(1) : text).split("\n");
  lines.forEach((raw, index) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "") return;
    const [id = "", ...values] = line.split("\t");
    predictions.push({ id, values, line: index + 1 });
  });
  return predictions;
}

/** One prediction line; tabs and line breaks inside values (which the format cannot hold) become spaces. */
export function formatPredictionLine(id: string, values: readonly string[]): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: line breaks as Python's line reader sees them
  const clean = (value: string) => value.replace(/[\t\r\n\v\f\u001c-\u001e\u0085\u2028\u2029]/g, " ");
  return [clean(id), ...values.map(clean)].join("\t");
}

/**
 * Grades predictions against questions keyed by id. Unlike the official script (which skips unknown ids
 * and grades repeated ids twice), every line gets a result: unknown ids and repeats of an id are false
 * with a reason, and neither counts toward accuracy.
 */
export function gradePredictions(
  questions: Iterable<WtqTarget & { id: string }> | ReadonlyMap<string, WtqTarget>,
  predictions: readonly Pick<WtqPrediction, "id" | "values">[],
): WtqGradeReport {
  const byId: ReadonlyMap<string, WtqTarget> =
    questions instanceof Map
      ? questions
      : new Map([...(questions as Iterable<WtqTarget & { id: string }>)].map((q) => [q.id, q]));
  const seen = new Set<string>();
  const results: WtqGradeResult[] = [];
  let correct = 0;
  for (const prediction of predictions) {
    const question = byId.get(prediction.id);
    if (!question) {
      results.push({ id: prediction.id, correct: false, reason: "unknown id" });
    } else if (seen.has(prediction.id)) {
      results.push({ id: prediction.id, correct: false, reason: "duplicate id" });
    } else {
      seen.add(prediction.id);
      const ok = gradeWtq(prediction.values, question);
      if (ok) correct++;
      results.push({ id: prediction.id, correct: ok });
    }
  }
  const graded = seen.size;
  return { results, accuracy: graded === 0 ? 0 : correct / graded, correct, graded };
}
