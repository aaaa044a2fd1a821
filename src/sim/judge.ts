import { promptSections } from "./prompt-reading.js";

/**
 * The sim's blind judge (a simulation): it reads the task's reference answer and the two outputs'
 * final answers from its prompt, and prefers the output whose answer agrees with the reference
 * (numbers within a relative 1e-6, text ignoring case and spacing). Two agreeing or two disagreeing
 * answers, or no reference at all, are a tie: it has no other sense of quality, and no sense of
 * position — it never looks at which output came first.
 */
export function simJudge(user: string): { better: "first" | "second" | "tie"; reason: string } {
  const sections = promptSections(user, ["Task", "Reference answer", "Output 1", "Output 2"]);
  const referenceText = sections.get("Reference answer")?.body;
  if (referenceText === undefined)
    return {
      better: "tie",
      reason: "There is no reference answer, and the two outputs cannot be told apart.",
    };
  const reference = asText(parseJson(referenceText));
  const right = [1, 2].map((n) => {
    const answer = finalAnswer(sections.get(`Output ${n}`)?.body ?? "");
    return answer !== undefined && agrees(answer, reference);
  });
  if (right[0] === right[1]) {
    return {
      better: "tie",
      reason: right[0]
        ? "Both outputs agree with the reference answer."
        : "Neither output agrees with the reference answer.",
    };
  }
  const winner = right[0] ? 1 : 2;
  return {
    better: winner === 1 ? "first" : "second",
    reason: `Output ${winner} agrees with the reference answer; Output ${3 - winner} does not.`,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function finalAnswer(body: string): string | undefined {
  const line = /^Final answer: (.*)$/m.exec(body)?.[1];
  if (line === undefined) return undefined;
  return asText(parseJson(line));
}

function agrees(answer: string, reference: string): boolean {
  const a = Number(answer.replace(/,/g, "").trim());
  const r = Number(reference.replace(/,/g, "").trim());
  if (answer.trim() !== "" && reference.trim() !== "" && Number.isFinite(a) && Number.isFinite(r))
    return Math.abs(a - r) <= 1e-6 * Math.max(1, Math.abs(r));
  const norm = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();
  return norm(answer) === norm(reference);
}
