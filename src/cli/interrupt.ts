import { isAbsolute, relative } from "node:path";

/** What to tell the user when a run is interrupted (Ctrl-C); set once the run folder exists. */
let interruptNote: string | undefined;

export function setInterruptNote(note: string | undefined): void {
  interruptNote = note;
}

export function interruptMessage(): string {
  return `skillgrad: interrupted${interruptNote ? `; ${interruptNote}` : ""}\n`;
}

/** A path as the user would type it: relative to the working folder when it lies below it. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/** The command that continues an optimize run. */
export function resumeCommand(runDir: string): string {
  const shown = shownPath(runDir);
  return `skillgrad optimize --resume ${/\s/.test(shown) ? JSON.stringify(shown) : shown}`;
}
