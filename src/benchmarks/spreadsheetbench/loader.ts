import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { SkillgradError } from "../../errors.js";

export interface SsbTestCase {
  /** Test case number: the `{n}` of `{n}_{id}_input.xlsx`. */
  n: number;
  /** The workbook the agent starts from. */
  inputPath: string;
  /** The gold workbook the grader compares with. */
  answerPath: string;
}

export interface SsbTask {
  /** Always a string, even where dataset.json stores a number. */
  id: string;
  instruction: string;
  instructionType: string;
  answerPosition: string;
  testCases: SsbTestCase[];
}

/** One record of dataset.json, as far as skillgrad reads it. */
interface DatasetRecord {
  id: string | number;
  instruction: string;
  instruction_type: string;
  answer_position: string;
  spreadsheet_path?: string;
}

const EXPECTED_LAYOUT =
  "expected a SpreadsheetBench folder with dataset.json and spreadsheet/<id>/ holding {n}_<id>_input.xlsx + {n}_<id>_answer.xlsx (912-task release) or 1_<id>_init.xlsx + 1_<id>_golden.xlsx (Verified)";

/**
 * Loads the official SpreadsheetBench layouts: the 912-task release and SpreadsheetBench Verified.
 * With `ids`, only those tasks' folders are looked at (every record of dataset.json is still checked).
 */
export async function loadSpreadsheetBench(
  dataDir: string,
  options: { ids?: ReadonlySet<string> } = {},
): Promise<SsbTask[]> {
  const root = resolve(dataDir);
  if (!isDirectory(root))
    throw new SkillgradError(`SpreadsheetBench data folder not found: ${dataDir} (${EXPECTED_LAYOUT})`);
  const datasetPath = join(root, "dataset.json");
  let text: string;
  try {
    text = readFileSync(datasetPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new SkillgradError(`no dataset.json in ${dataDir}: ${EXPECTED_LAYOUT}`);
    }
    throw error;
  }
  const records = parseDataset(text, datasetPath);
  const seen = new Set<string>();
  const tasks: SsbTask[] = [];
  for (const record of records) {
    const id = String(record.id);
    if (seen.has(id))
      throw new SkillgradError(`${datasetPath}: task id ${id} appears twice; each id must be unique`);
    seen.add(id);
    if (options.ids !== undefined && !options.ids.has(id)) continue;
    const folder = await taskFolder(root, id, record.spreadsheet_path);
    tasks.push({
      id,
      instruction: record.instruction,
      instructionType: record.instruction_type,
      answerPosition: record.answer_position,
      testCases: await findTestCases(folder, id),
    });
  }
  return tasks;
}

function parseDataset(text: string, path: string): DatasetRecord[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SkillgradError(`${path} is not valid JSON (${(error as Error).message}): ${EXPECTED_LAYOUT}`);
  }
  const invalid = (where: string, problem: string) =>
    new SkillgradError(
      `${path}: ${where ? `${where}: ` : ""}${problem}; expected a JSON array of tasks with id, instruction, instruction_type and answer_position`,
    );
  if (!Array.isArray(json)) throw invalid("", "not an array");
  return json.map((record: unknown, index): DatasetRecord => {
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      throw invalid(String(index), "not an object");
    }
    const fields = record as Record<string, unknown>;
    const { id, instruction, answer_position, spreadsheet_path } = fields;
    const instructionType = fields.instruction_type ?? "";
    if (!((typeof id === "string" && id !== "") || (typeof id === "number" && Number.isFinite(id)))) {
      throw invalid(`${index}.id`, "expected a non-empty string or a number");
    }
    if (typeof instruction !== "string") throw invalid(`${index}.instruction`, "expected a string");
    if (typeof instructionType !== "string") throw invalid(`${index}.instruction_type`, "expected a string");
    if (typeof answer_position !== "string") throw invalid(`${index}.answer_position`, "expected a string");
    if (spreadsheet_path !== undefined && typeof spreadsheet_path !== "string") {
      throw invalid(`${index}.spreadsheet_path`, "expected a string");
    }
    return {
      id,
      instruction,
      instruction_type: instructionType,
      answer_position,
      ...(spreadsheet_path === undefined ? {} : { spreadsheet_path }),
    };
  });
}

/** `spreadsheet_path` from dataset.json when it exists, else `spreadsheet/<id>`. */
async function taskFolder(root: string, id: string, spreadsheetPath: string | undefined): Promise<string> {
  if (spreadsheetPath !== undefined) {
    const given = isAbsolute(spreadsheetPath) ? spreadsheetPath : join(root, spreadsheetPath);
    if (isDirectory(given)) return given;
  }
  const folder = join(root, "spreadsheet", id);
  if (!isDirectory(folder)) {
    throw new SkillgradError(
      `task ${id}: folder spreadsheet/${id}/ not found in ${root} (${EXPECTED_LAYOUT})`,
    );
  }
  return folder;
}

const INPUT_KINDS = new Set(["input", "init", "initial"]);

/** Pairs each test case's input and gold workbooks, by file name, in both release namings. */
async function findTestCases(folder: string, id: string): Promise<SsbTestCase[]> {
  const numbered = new RegExp(`^(\\d+)_${escapeRegExp(id)}_(input|answer|init|golden)\\.xlsx$`);
  const inputs = new Map<number, string>();
  const answers = new Map<number, string>();
  for (const name of readdirSync(folder)) {
    const match = numbered.exec(name);
    // A few Verified tasks use bare initial.xlsx / golden.xlsx for their single test case.
    const n = match ? Number(match[1]) : name === "initial.xlsx" || name === "golden.xlsx" ? 1 : undefined;
    if (n === undefined) continue;
    const kind = match ? (match[2] ?? "") : name.replace(".xlsx", "");
    const side = INPUT_KINDS.has(kind) ? inputs : answers;
    // Prefer the numbered name when a folder has both spellings.
    if (!side.has(n) || match) side.set(n, join(folder, name));
  }
  const numbers = [...new Set([...inputs.keys(), ...answers.keys()])].sort((a, b) => a - b);
  if (numbers.length === 0)
    throw new SkillgradError(`task ${id}: no workbooks in ${folder} (${EXPECTED_LAYOUT})`);
  return numbers.map((n) => {
    const inputPath = inputs.get(n);
    const answerPath = answers.get(n);
    if (inputPath === undefined || answerPath === undefined) {
      const missing = inputPath === undefined ? "input (_input/_init)" : "answer (_answer/_golden)";
      throw new SkillgradError(
        `task ${id}: test case ${n} has no ${missing} workbook in ${folder} (${EXPECTED_LAYOUT})`,
      );
    }
    return { n, inputPath, answerPath };
  });
}

// Synchronous look-ups: a few small folders, and a thread-pool round trip each would cost more.
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing or unreadable: the caller says what was expected
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
