import { readSync } from "node:fs";

/**
 * The part of the zip format every reader needs: the central directory (where each entry is and
 * how it is stored, zip64 included) and where an entry's data starts. How the data is then read
 * (inflated into memory under caps for workbooks, streamed for a model's wheels) is the caller's.
 */

/** One entry of a zip's central directory. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  /** General-purpose flags (bit 0: encrypted, bit 11: UTF-8 name). */
  flags: number;
}

/** A file that is not a zip we can read, or would inflate beyond the limits. */
export class ZipError extends Error {
  constructor(
    message: string,
    /** not-file: a folder, device…; not-zip: no zip signature at the start; else a damaged or oversized zip. */
    readonly kind: "not-file" | "not-zip" | "bad-zip" = "bad-zip",
  ) {
    super(message);
    this.name = "ZipError";
  }
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
export const LOCAL_SIGNATURE = 0x04034b50;
const MAX_COMMENT = 0xffff;

/** Up to `length` bytes at `position` (fewer at the end of the file). */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const bytesRead = readSync(fd, buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

/** Where the data of `entry` starts: after its local header, whose name and extra lengths may differ from the directory's. */
export function entryDataStart(fd: number, entry: ZipEntry): number {
  const header = readAt(fd, entry.localHeaderOffset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE) {
    throw new ZipError(`${entry.name}: bad local header`);
  }
  return entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/**
 * The central directory of the zip open at `fd` (`size` bytes), by name: a repeated name's last
 * entry wins, as in Python's zipfile. More than `maxEntries` entries is refused before any is read.
 */
export function readZipDirectory(
  fd: number,
  size: number,
  maxEntries = Number.POSITIVE_INFINITY,
): Map<string, ZipEntry> {
  const tailLength = Math.min(size, 22 + MAX_COMMENT + 20);
  const tail = readAt(fd, size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError("no zip end-of-central-directory record (not a zip file, or truncated)");
  let count = tail.readUInt16LE(eocd + 10);
  let directorySize = tail.readUInt32LE(eocd + 12);
  let directoryOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) {
      throw new ZipError("bad zip64 end-of-central-directory locator");
    }
    const record = readAt(fd, Number(tail.readBigUInt64LE(locator + 8)), 56);
    if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) {
      throw new ZipError("bad zip64 end-of-central-directory record");
    }
    count = Number(record.readBigUInt64LE(32));
    directorySize = Number(record.readBigUInt64LE(40));
    directoryOffset = Number(record.readBigUInt64LE(48));
  }
  if (count > maxEntries) throw new ZipError(`${count} zip entries (limit ${maxEntries})`);
  if (directoryOffset + directorySize > size) throw new ZipError("the zip directory lies outside the file");
  const directory = readAt(fd, directoryOffset, directorySize);
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw new ZipError("bad zip central directory");
    }
    const flags = directory.readUInt16LE(at + 8);
    const method = directory.readUInt16LE(at + 10);
    let compressedSize = directory.readUInt32LE(at + 20);
    let uncompressedSize = directory.readUInt32LE(at + 24);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    let localHeaderOffset = directory.readUInt32LE(at + 42);
    const nameBytes = directory.subarray(at + 46, at + 46 + nameLength);
    // Bit 11: UTF-8 names; otherwise CP437, which equals ASCII for the names workbooks and wheels use.
    const name = nameBytes.toString(flags & 0x800 ? "utf8" : "latin1");
    const extra = directory.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    if (
      uncompressedSize === 0xffffffff ||
      compressedSize === 0xffffffff ||
      localHeaderOffset === 0xffffffff
    ) {
      // The zip64 extra field holds, in this order, only the values that overflowed.
      for (let e = 0; e + 4 <= extra.length; ) {
        const id = extra.readUInt16LE(e);
        const length = extra.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let field = e + 4;
          const next = () => {
            const value = Number(extra.readBigUInt64LE(field));
            field += 8;
            return value;
          };
          if (uncompressedSize === 0xffffffff) uncompressedSize = next();
          if (compressedSize === 0xffffffff) compressedSize = next();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
          break;
        }
        e += 4 + length;
      }
    }
    entries.set(name, { name, method, compressedSize, uncompressedSize, localHeaderOffset, flags });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
