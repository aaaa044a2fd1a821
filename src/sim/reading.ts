/**
 * How the simulated agent decides which of a skill's references to open: the body's pointer lines
 * ("Read references/x.md when …") and the words of their conditions, matched against the task's
 * words (its text and the table's header). Generic: it knows no task family.
 */

export interface Pointer {
  path: string;
  /** The condition's words ("when …"/"if …"); undefined when the pointer says no when. */
  condition?: string[];
  /** The pointer says to read the file always (e.g. "before answering any question"). */
  always: boolean;
}

const PATH = /(?<![\w./-])(?:\.\/)?(references\/[\w./-]*[\w-])/g;

const STOPWORDS = new Set(
  (
    "the a an and or of to in on for with about any this that these those it its is are be when if " +
    "read open see skip otherwise question questions task tasks involves involve involving asks ask " +
    "file files reference references column columns table tables value values data use used using " +
    "what which how there where has have"
  ).split(" "),
);

/** The content words of a text: lower case, underscored names also split into their parts. */
export function contentWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const token of text.toLowerCase().match(/[a-z0-9_]+/g) ?? []) {
    for (const word of [token, ...token.split("_")]) {
      if (word.length >= 3 && !STOPWORDS.has(word)) words.add(word);
    }
  }
  return words;
}

/** The pointer lines of a skill body, in order (a file named on several lines keeps its first). */
export function pointersIn(body: string): Pointer[] {
  const found = new Map<string, Pointer>();
  for (const line of body.split("\n")) {
    for (const match of line.matchAll(PATH)) {
      const path = match[1] as string;
      if (found.has(path)) continue;
      const when = /\b(?:when|if)\b([^;]*)/i.exec(line)?.[1];
      const always = /\b(always|every task|every question|before answering any)\b/i.test(line);
      found.set(path, { path, always, ...(when ? { condition: [...contentWords(when)] } : {}) });
    }
  }
  return [...found.values()];
}

/** Whether a pointer's condition holds for a task with these words. */
export function conditionHolds(pointer: Pointer, taskWords: Set<string>): boolean {
  return pointer.always || (pointer.condition ?? []).some((word) => taskWords.has(word));
}
