import { posix } from "node:path";
import { type CellValue, EMPTY } from "../cell-value.js";
import { fromExcelSerial, isDateFormat, isTimedeltaFormat } from "../date-formats.js";
import { parsePythonFloat } from "../python-float.js";
import { BUILTIN_NUMBER_FORMATS } from "./number-formats.js";
import { attribute, attributes, elementPattern, innerText, xmlText } from "./xml.js";
import { DEFAULT_ZIP_LIMITS, ZipArchive, ZipError, type ZipLimits } from "./zip.js";

/**
 * Reads the cached values of chosen cells of an .xlsx workbook the way openpyxl 3.0's
 * `load_workbook(path, data_only=True)` gives them to the official SpreadsheetBench grader, but
 * reads only what is asked for: the workbook's sheet list, then per request one sheet's XML (and
 * the shared strings and styles only when a cell in the request needs them).
 *
 * Where openpyxl's choices matter they are followed: the workbook part is found through
 * [Content_Types].xml, styles are xl/styles.xml, a sheet whose part is missing is not listed,
 * number formats decide dates, times and durations per cell style, cells under a merge (other
 * than its top-left cell) read as empty, and shared strings drop "x005F_". Differences: a sheet
 * that is not asked for is never parsed (openpyxl fails the whole workbook when any part is
 * broken), and a row is skipped by its own row number (a cell whose `r` names another row is not
 * looked for there).
 */

/** A block of cells, 1-based and inclusive. */
export interface CellBox {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface SheetCells {
  /** The value openpyxl gives for the cell; empty outside the boxes that were read. */
  cell(column: number, row: number): CellValue;
}

/** A workbook that cannot be read as openpyxl would read it; the message says why. */
export class XlsxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XlsxError";
  }
}

const CT = "application/vnd.openxmlformats-officedocument.spreadsheetml";
const WORKBOOK_TYPES = [
  "application/vnd.ms-excel.template.macroEnabled.main+xml",
  `${CT}.template.main+xml`,
  "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
  `${CT}.sheet.main+xml`,
];
const SHARED_STRINGS_TYPE = `${CT}.sharedStrings+xml`;

interface SheetEntry {
  name: string;
  part: string;
  chartsheet: boolean;
}

interface RawCell {
  type: string;
  style: number;
  value: string | null;
  inline: string | null;
}

const KEY_STRIDE = 16_384; // columns per row (XFD)
const cellKey = (column: number, row: number) => row * KEY_STRIDE + column;

export class XlsxBook {
  private readonly sharedStrings: string[] = [];
  /** The shared strings part, read when a cell first needs it; parsed up to sharedStringsAt. */
  private sharedStringsXml: string | undefined;
  private sharedStringsAt = 0;
  private styles: { date: Set<number>; timedelta: Set<number> } | undefined;

  private constructor(
    private readonly zip: ZipArchive,
    private readonly sheets: SheetEntry[],
    private readonly date1904: boolean,
    private readonly sharedStringsPart: string | undefined,
  ) {}

  /** Opens a workbook; `noFollow` refuses a symbolic link. Throws XlsxError or ZipError. */
  static async open(
    path: string,
    options: { limits?: ZipLimits; noFollow?: boolean } = {},
  ): Promise<XlsxBook> {
    const zip = await ZipArchive.open(path, {
      limits: options.limits ?? DEFAULT_ZIP_LIMITS,
      noFollow: options.noFollow,
    });
    try {
      const manifest = await readXml(zip, "[Content_Types].xml", true);
      const { workbookPart, sharedStringsPart } = findParts(manifest);
      const workbookXml = await readXml(zip, workbookPart, true);
      const relsXml = await readXml(zip, relsPathOf(workbookPart), false);
      const targets = relationshipTargets(relsXml, relsPathOf(workbookPart));
      const sheets: SheetEntry[] = [];
      for (const match of workbookXml.matchAll(new RegExp(`${elementPattern("sheet")}([^>]*)>`, "g"))) {
        const attrs = attributes(match[1] ?? "");
        const name = attrs.get("name") ?? "";
        const id = [...attrs].find(([key]) => key.endsWith(":id"))?.[1];
        const target = id === undefined ? undefined : targets.get(id);
        if (target === undefined) throw new XlsxError(`sheet ${JSON.stringify(name)} has no relationship`);
        if (!zip.has(target.path)) continue; // openpyxl leaves out a sheet whose part is missing
        sheets.push({ name, part: target.path, chartsheet: target.type.includes("chartsheet") });
      }
      const properties = new RegExp(`${elementPattern("workbookPr")}([^>]*)>`).exec(workbookXml);
      const date1904Value = properties ? attribute(properties[1] ?? "", "date1904") : undefined;
      const date1904 = date1904Value === "1" || date1904Value === "true";
      return new XlsxBook(zip, sheets, date1904, sharedStringsPart);
    } catch (error) {
      await zip.close();
      throw error;
    }
  }

  get sheetNames(): string[] {
    return this.sheets.map((sheet) => sheet.name);
  }

  hasSheet(name: string): boolean {
    return this.sheets.some((sheet) => sheet.name === name);
  }

  /** Reads the cells of `boxes` in one sheet. */
  async readCells(sheetName: string, boxes: readonly CellBox[]): Promise<SheetCells> {
    const sheet = this.sheets.find((candidate) => candidate.name === sheetName);
    if (sheet === undefined) throw new XlsxError(`no sheet ${JSON.stringify(sheetName)}`);
    if (sheet.chartsheet)
      throw new XlsxError(`${JSON.stringify(sheetName)} is a chart sheet: it has no cells`);
    const xml = await readXml(this.zip, sheet.part, true);
    const raw = scanCells(xml, boxes);
    const merged = mergedAway(xml, boxes);
    const values = new Map<number, CellValue>();
    for (const [key, cell] of raw) {
      if (merged.has(key)) continue;
      const value = await this.cellValue(cell, key);
      if (value.kind !== "empty") values.set(key, value);
    }
    return { cell: (column, row) => values.get(cellKey(column, row)) ?? EMPTY };
  }

  close(): Promise<void> {
    return this.zip.close();
  }

  /** openpyxl's WorkSheetParser.parse_cell with data_only=True. */
  private async cellValue(cell: RawCell, key: number): Promise<CellValue> {
    if (cell.type === "inlineStr")
      return cell.inline === null ? EMPTY : { kind: "string", value: cell.inline };
    const text = cell.value;
    if (text === null || text === "") return EMPTY;
    switch (cell.type) {
      case "n": {
        const number = castNumber(text);
        if (number === undefined)
          throw new XlsxError(`cell ${cellName(key)} holds ${JSON.stringify(text)}, not a number`);
        const styles = await this.loadStyles();
        if (!styles.date.has(cell.style)) return { kind: "number", value: number };
        const date = fromExcelSerial(number, {
          date1904: this.date1904,
          timedelta: styles.timedelta.has(cell.style),
        });
        return date.kind === "error" ? { kind: "string", value: date.text } : date;
      }
      case "s": {
        const index = Number(text.trim());
        const strings = await this.loadSharedStrings(index);
        const value = Number.isInteger(index) && index >= 0 ? strings[index] : undefined;
        if (value === undefined)
          throw new XlsxError(`cell ${cellName(key)} names shared string ${text}, which does not exist`);
        return { kind: "string", value };
      }
      case "b": {
        const number = castNumber(text);
        if (number === undefined || !Number.isInteger(number)) {
          throw new XlsxError(`cell ${cellName(key)} holds ${JSON.stringify(text)}, not a boolean`);
        }
        return { kind: "bool", value: number !== 0 };
      }
      case "d":
        return fromIso8601(text, cellName(key));
      default:
        // "str" (a formula's text), "e" (an error such as #N/A) and anything else: the text itself
        return { kind: "string", value: text };
    }
  }

  /** The shared strings up to `index`: the table is parsed only as far as a cell needs. */
  private async loadSharedStrings(index: number): Promise<string[]> {
    if (this.sharedStringsXml === undefined) {
      this.sharedStringsXml =
        this.sharedStringsPart === undefined ? "" : await readXml(this.zip, this.sharedStringsPart, false);
    }
    const strings = this.sharedStrings;
    const item = SHARED_STRING;
    item.lastIndex = this.sharedStringsAt;
    while (index >= strings.length) {
      const match = item.exec(this.sharedStringsXml);
      if (match === null) break;
      strings.push(richTextContent(match[1] ?? "").replaceAll("x005F_", ""));
      this.sharedStringsAt = item.lastIndex;
    }
    return strings;
  }

  /** Which cell style indexes (cellXfs) have a date format, and which of those are durations. */
  private async loadStyles(): Promise<{ date: Set<number>; timedelta: Set<number> }> {
    if (this.styles) return this.styles;
    const date = new Set<number>();
    const timedelta = new Set<number>();
    this.styles = { date, timedelta };
    const xml = await readXml(this.zip, "xl/styles.xml", false);
    if (xml === "") return this.styles;
    const custom = new Map<number, string>();
    for (const match of xml.matchAll(new RegExp(`${elementPattern("numFmt")}([^>]*)>`, "g"))) {
      const attrs = attributes(match[1] ?? "");
      custom.set(Number(attrs.get("numFmtId")), attrs.get("formatCode") ?? "");
    }
    const cellXfs = new RegExp(
      `${elementPattern("cellXfs")}[^>]*>([\\s\\S]*?)</(?:[A-Za-z_][\\w.-]*:)?cellXfs>`,
    ).exec(xml);
    let index = 0;
    for (const match of (cellXfs?.[1] ?? "").matchAll(new RegExp(`${elementPattern("xf")}([^>]*)>`, "g"))) {
      const id = Number(attribute(match[1] ?? "", "numFmtId") ?? 0);
      const format = custom.get(id) ?? BUILTIN_NUMBER_FORMATS[id];
      if (isDateFormat(format)) date.add(index);
      if (isTimedeltaFormat(format)) timedelta.add(index);
      index++;
    }
    return this.styles;
  }
}

/** A part as text; "" for a missing optional part. */
async function readXml(zip: ZipArchive, part: string, required: boolean): Promise<string> {
  const bytes = await zip.read(part);
  if (bytes === undefined) {
    if (required) throw new XlsxError(`the workbook has no ${part}`);
    return "";
  }
  return xmlText(bytes);
}

function findParts(manifest: string): { workbookPart: string; sharedStringsPart: string | undefined } {
  const overrides = new Map<string, string>();
  for (const match of manifest.matchAll(new RegExp(`${elementPattern("Override")}([^>]*)>`, "g"))) {
    const attrs = attributes(match[1] ?? "");
    const type = attrs.get("ContentType");
    const part = attrs.get("PartName");
    if (type !== undefined && part !== undefined && !overrides.has(type))
      overrides.set(type, part.replace(/^\//, ""));
  }
  let workbookPart = WORKBOOK_TYPES.map((type) => overrides.get(type)).find((part) => part !== undefined);
  if (workbookPart === undefined) {
    // Some writers give the workbook's type as a Default for its extension.
    const defaults = [...manifest.matchAll(new RegExp(`${elementPattern("Default")}([^>]*)>`, "g"))].map(
      (match) => attributes(match[1] ?? "").get("ContentType"),
    );
    if (defaults.some((type) => type !== undefined && WORKBOOK_TYPES.includes(type)))
      workbookPart = "xl/workbook.xml";
  }
  if (workbookPart === undefined) throw new XlsxError("the file contains no workbook part");
  return { workbookPart, sharedStringsPart: overrides.get(SHARED_STRINGS_TYPE) };
}

function relsPathOf(part: string): string {
  return posix.join(posix.dirname(part), "_rels", `${posix.basename(part)}.rels`);
}

/** Relationship id → target part (resolved against the source part's folder) and type. */
function relationshipTargets(xml: string, relsPath: string): Map<string, { path: string; type: string }> {
  const targets = new Map<string, { path: string; type: string }>();
  const base = posix.dirname(posix.dirname(relsPath));
  for (const match of xml.matchAll(new RegExp(`${elementPattern("Relationship")}([^>]*)>`, "g"))) {
    const attrs = attributes(match[1] ?? "");
    const id = attrs.get("Id");
    const target = attrs.get("Target");
    if (id === undefined || target === undefined || attrs.get("TargetMode") === "External") continue;
    const path = target.startsWith("/") ? target.slice(1) : posix.normalize(posix.join(base, target));
    targets.set(id, { path, type: attrs.get("Type") ?? "" });
  }
  return targets;
}

const ROW = new RegExp(`${elementPattern("row")}([^>]*?)(/?)>`, "g");
const ROW_END = /<\/(?:[A-Za-z_][\w.-]*:)?row>/g;
const SHARED_STRING = new RegExp(
  `${elementPattern("si")}[^>]*?(?:/>|>([\\s\\S]*?)</(?:[A-Za-z_][\\w.-]*:)?si>)`,
  "g",
);
const CELL = new RegExp(`${elementPattern("c")}([^>]*?)(?:/>|>([\\s\\S]*?)</(?:[A-Za-z_][\\w.-]*:)?c>)`, "g");
const VALUE = new RegExp(`${elementPattern("v")}[^>]*?(?:/>|>([\\s\\S]*?)</(?:[A-Za-z_][\\w.-]*:)?v>)`);
const INLINE = new RegExp(`${elementPattern("is")}[^>]*?(?:/>|>([\\s\\S]*?)</(?:[A-Za-z_][\\w.-]*:)?is>)`);

/** The raw cells of the sheet that fall in `boxes`, keyed by cellKey. */
function scanCells(xml: string, boxes: readonly CellBox[]): Map<number, RawCell> {
  const cells = new Map<number, RawCell>();
  if (boxes.length === 0) return cells;
  const firstRow = Math.min(...boxes.map((box) => box.top));
  const lastRow = Math.max(...boxes.map((box) => box.bottom));
  let rowNumber = 0;
  ROW.lastIndex = 0;
  for (let row = ROW.exec(xml); row !== null; row = ROW.exec(xml)) {
    const rowAttribute = attribute(row[1] ?? "", "r");
    rowNumber = rowAttribute === undefined ? rowNumber + 1 : Math.trunc(Number(rowAttribute));
    if (row[2] === "/") continue;
    ROW_END.lastIndex = ROW.lastIndex;
    const end = ROW_END.exec(xml);
    const close = end === null ? xml.length : end.index;
    if (rowNumber >= firstRow && rowNumber <= lastRow) {
      scanRow(xml.slice(ROW.lastIndex, close), rowNumber, boxes, cells);
    }
    ROW.lastIndex = end === null ? xml.length : ROW_END.lastIndex;
  }
  return cells;
}

function scanRow(
  rowXml: string,
  rowNumber: number,
  boxes: readonly CellBox[],
  cells: Map<number, RawCell>,
): void {
  let column = 0;
  CELL.lastIndex = 0;
  for (let match = CELL.exec(rowXml); match !== null; match = CELL.exec(rowXml)) {
    const attrs = match[1] ?? "";
    const reference = attribute(attrs, "r");
    let row = rowNumber;
    if (reference === undefined) column += 1;
    else {
      const parsed = parseReference(reference);
      if (parsed === undefined) throw new XlsxError(`bad cell reference ${JSON.stringify(reference)}`);
      ({ column, row } = parsed);
    }
    if (
      !boxes.some((box) => row >= box.top && row <= box.bottom && column >= box.left && column <= box.right)
    ) {
      continue;
    }
    const body = match[2] ?? "";
    const type = attribute(attrs, "t") ?? "n";
    let value: string | null = null;
    let inline: string | null = null;
    if (type === "inlineStr") {
      const is = INLINE.exec(body);
      if (is) inline = richTextContent(is[1] ?? "");
    } else {
      const v = VALUE.exec(body);
      if (v?.[1] !== undefined) value = innerText(v[1]);
    }
    cells.set(cellKey(column, row), { type, style: Number(attribute(attrs, "s") ?? 0) || 0, value, inline });
  }
}

/** Keys of the cells in `boxes` that a merge hides (every cell of a merged range but its top-left). */
function mergedAway(xml: string, boxes: readonly CellBox[]): Set<number> {
  const hidden = new Set<number>();
  if (!xml.includes("mergeCell")) return hidden;
  for (const match of xml.matchAll(new RegExp(`${elementPattern("mergeCell")}([^>]*)>`, "g"))) {
    const ref = attribute(match[1] ?? "", "ref");
    if (ref === undefined) continue;
    const [from, to = from] = ref.split(":");
    const a = parseReference(from ?? "");
    const b = parseReference(to ?? "");
    if (a === undefined || b === undefined) continue;
    for (const box of boxes) {
      const top = Math.max(Math.min(a.row, b.row), box.top);
      const bottom = Math.min(Math.max(a.row, b.row), box.bottom);
      const left = Math.max(Math.min(a.column, b.column), box.left);
      const right = Math.min(Math.max(a.column, b.column), box.right);
      for (let row = top; row <= bottom; row++) {
        for (let column = left; column <= right; column++) {
          if (row !== Math.min(a.row, b.row) || column !== Math.min(a.column, b.column)) {
            hidden.add(cellKey(column, row));
          }
        }
      }
    }
  }
  return hidden;
}

const REFERENCE = /^\$?([A-Za-z]{1,3})\$?(\d+)$/;

function parseReference(text: string): { column: number; row: number } | undefined {
  const match = REFERENCE.exec(text);
  if (!match) return undefined;
  let column = 0;
  for (const letter of (match[1] as string).toUpperCase()) column = column * 26 + letter.charCodeAt(0) - 64;
  return { column, row: Number(match[2]) };
}

function cellName(key: number): string {
  const row = Math.floor(key / KEY_STRIDE);
  let column = key % KEY_STRIDE;
  let letters = "";
  while (column > 0) {
    const rest = (column - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    column = (column - 1 - rest) / 26;
  }
  return `${letters}${row}`;
}

const PHONETIC = new RegExp(
  `${elementPattern("rPh")}[^>]*?(?:/>|>[\\s\\S]*?</(?:[A-Za-z_][\\w.-]*:)?rPh>)|${elementPattern("phoneticPr")}[^>]*?/>`,
  "g",
);
const RUN = new RegExp(`${elementPattern("r")}[^>]*?(?:/>|>([\\s\\S]*?)</(?:[A-Za-z_][\\w.-]*:)?r>)`, "g");
const TEXT = new RegExp(`${elementPattern("t")}[^>]*?(?:/>|>([\\s\\S]*?)</(?:[A-Za-z_][\\w.-]*:)?t>)`, "g");

/** openpyxl's Text.content: the plain text, then the text of each rich-text run; phonetic runs dropped. */
function richTextContent(inner: string): string {
  const xml = inner.includes("rPh") || inner.includes("phoneticPr") ? inner.replace(PHONETIC, "") : inner;
  if (!xml.includes("<")) return "";
  const runs: string[] = [];
  const plainXml = xml.replace(RUN, (_match, runXml: string | undefined) => {
    const text = firstText(runXml ?? "");
    if (text !== undefined) runs.push(text);
    return "";
  });
  const plain = firstText(plainXml);
  return (plain ?? "") + runs.join("");
}

function firstText(xml: string): string | undefined {
  TEXT.lastIndex = 0;
  const match = TEXT.exec(xml);
  return match?.[1] === undefined || match[1] === "" ? undefined : innerText(match[1]);
}

const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** openpyxl's _cast_number: float() when the text has ".", "e" or "E", else int(). */
function castNumber(text: string): number | undefined {
  if (PLAIN_NUMBER.test(text)) return Number(text);
  const number = parsePythonFloat(text);
  if (number === undefined) return undefined;
  if (/[.eE]/.test(text)) return number;
  return Number.isInteger(number) ? number : undefined; // int() takes neither inf nor nan
}

const ISO = /^(?:(\d{4})-(\d{2})-(\d{2}))?T?(?:(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?)?Z?/;

/** A `t="d"` cell: openpyxl's from_ISO8601 (a date alone reads as midnight of that day). */
function fromIso8601(text: string, where: string): CellValue {
  const match = ISO.exec(text);
  if (!match || match.slice(1).every((group) => group === undefined)) {
    throw new XlsxError(`cell ${where} holds ${JSON.stringify(text)}, not an ISO 8601 date`);
  }
  const [, year, month, day, hour, minute, second, fraction] = match;
  const seconds = Number(hour ?? 0) * 3600 + Number(minute ?? 0) * 60 + Number(second ?? 0);
  const microseconds = fraction === undefined ? 0 : Math.round(Number(fraction) * 1_000_000);
  if (year === undefined) {
    return {
      kind: "time",
      hours: Number(hour ?? 0),
      minutes: Number(minute ?? 0),
      seconds: Number(second ?? 0),
      microseconds,
    };
  }
  const days = Math.round(
    (Date.UTC(Number(year), Number(month) - 1, Number(day)) - Date.UTC(1899, 11, 30)) / 86_400_000,
  );
  return { kind: "datetime", days, seconds };
}

export { ZipError };
