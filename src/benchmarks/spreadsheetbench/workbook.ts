import { type CellBox, type SheetCells, XlsxBook } from "./xlsx/book.js";
import { DEFAULT_ZIP_LIMITS, ZipError, type ZipLimits } from "./xlsx/zip.js";

export { type CellBox, DEFAULT_ZIP_LIMITS, type SheetCells, XlsxBook, type ZipLimits };

/** An open workbook whose chosen cells can be read (see XlsxBook), or why it cannot be opened. */
export type OpenWorkbookResult = { ok: true; book: XlsxBook } | { ok: false; error: string };

export interface OpenWorkbookOptions {
  /** Refuse a symbolic link (outputs an agent wrote: a link could point at the answer workbook). */
  refuseSymlink?: boolean;
  limits?: ZipLimits;
}

/**
 * Opens a workbook for the grader. A file that is missing, not an .xlsx, a symbolic link (when
 * refused) or larger than the limits when inflated gives an error text instead of throwing.
 */
export async function openWorkbook(
  path: string,
  options: OpenWorkbookOptions = {},
): Promise<OpenWorkbookResult> {
  try {
    const book = await XlsxBook.open(path, { limits: options.limits, noFollow: options.refuseSymlink });
    if (book.sheetNames.length === 0) {
      await book.close();
      return { ok: false, error: `workbook has no sheets: ${path}` };
    }
    return { ok: true, book };
  } catch (error) {
    return { ok: false, error: workbookErrorText(error, path) };
  }
}

/** What went wrong reading the workbook at `path`; an error that is not about the file is rethrown. */
export function workbookErrorText(error: unknown, path: string): string {
  if (error instanceof ZipError) {
    if (error.kind === "not-file") return `not a file: ${path}`;
    // openpyxl opens only zip files (SheetJS would guess CSV or HTML from other bytes).
    if (error.kind === "not-zip") return `not an .xlsx workbook (no zip signature): ${path}`;
    return `cannot read workbook ${path}: ${error.message}`;
  }
  if (error instanceof Error && error.name === "XlsxError")
    return `cannot read workbook ${path}: ${error.message}`;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return `file not found: ${path}`;
  if (code === "ELOOP") return `is a symbolic link, not a workbook (write the file itself): ${path}`;
  if (code === "EACCES" || code === "EISDIR" || code === "EIO") return `cannot read ${path} (${code})`;
  throw error;
}
