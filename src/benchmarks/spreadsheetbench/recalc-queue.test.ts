import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SHARED_DATA } from "../../../test/helpers/paths.js";
import { hasLibreOffice, needsRecalc, RecalcError } from "./recalc.js";
import { RecalcQueue } from "./recalc-queue.js";

const RECALC = join(SHARED_DATA, "spreadsheetbench", "golden", "recalc");
const available = hasLibreOffice();
if (!available) console.warn("skipping the recalculation queue test: LibreOffice (soffice) is not installed");

describe.skipIf(!available)("RecalcQueue", () => {
  it("starts a lone request at once and batches the requests that wait meanwhile", {
    timeout: 180_000,
  }, async () => {
    const queue = new RecalcQueue({ parallel: 1, maxBatch: 8 });
    const files = [
      "ssb-recalc-02/1_37228_output.xlsx",
      "ssb-recalc-03/1_39490_output.xlsx",
      "ssb-recalc-15/1_39604_output.xlsx",
    ].map((file) => join(RECALC, file));
    const missing = join(RECALC, "no-such-case", "1_1_output.xlsx");
    const requests = [...files, missing].map((file) =>
      queue.recalculate(file).catch((error: unknown) => error),
    );
    const results = await Promise.all(requests);
    // The first file went alone; the other three waited and went in one LibreOffice start.
    expect(queue.batches).toBe(2);
    expect(results[3]).toBeInstanceOf(RecalcError);
    const copies = results.slice(0, 3) as { copy: string; release(): Promise<void> }[];
    for (const { copy } of copies) expect(await needsRecalc(copy)).toBe(false);
    for (const copy of copies) await copy.release();
    // A batch's folder goes once every copy in it is released.
    for (const { copy } of copies) expect(existsSync(copy)).toBe(false);
  });
});
