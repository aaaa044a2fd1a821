import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { inflateRawSync } from "node:zlib";

/**
 * A small zip reader for .xlsx files: it reads the central directory, then only the parts asked
 * for, each inflated with a hard cap on its size. A zip bomb (a small file that inflates to
 * gigabytes) therefore costs at most the cap in memory and stops with a ZipError.
 * Reads are synchronous: the parts are small and a thread-pool round trip per read costs more.
 */

/** What one workbook may cost to read. */
export interface ZipLimits {
  /** Largest uncompressed size of one part (e.g. a sheet's XML). */
  maxPartBytes: number;
  /** Largest uncompressed size of all the parts read from one file. */
  maxTotalBytes: number;
  /** Largest number of entries in the central directory. */
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxPartBytes: 128 * 2 ** 20,
  maxTotalBytes: 256 * 2 ** 20,
  maxEntries: 20_000,
};

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

interface Entry {
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  flags: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const MAX_COMMENT = 0xffff;

function mib(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}

export class ZipArchive {
  private inflated = 0;

  private constructor(
    private readonly fd: number,
    private readonly entries: Map<string, Entry>,
    private readonly limits: ZipLimits,
  ) {}

  /**
   * Opens a zip file. With `noFollow`, a symbolic link is refused (ELOOP) instead of followed, so a
   * link can never stand in for the file it points to.
   */
  static async open(
    path: string,
    options: { limits?: ZipLimits; noFollow?: boolean } = {},
  ): Promise<ZipArchive> {
    const flags = constants.O_RDONLY | (options.noFollow ? constants.O_NOFOLLOW : 0);
    const fd = openSync(path, flags);
    try {
      const limits = options.limits ?? DEFAULT_ZIP_LIMITS;
      const info = fstatSync(fd);
      if (!info.isFile()) throw new ZipError("not a file", "not-file");
      const head = readAt(fd, 0, 4);
      if (head.length < 4 || head.readUInt32LE(0) !== LOCAL_SIGNATURE) {
        throw new ZipError("no zip signature", "not-zip");
      }
      const entries = readCentralDirectory(fd, info.size, limits);
      return new ZipArchive(fd, entries, limits);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** One part, inflated; undefined when the zip has no such entry. */
  async read(name: string): Promise<Buffer | undefined> {
    const entry = this.entries.get(name);
    if (entry === undefined) return undefined;
    if (entry.flags & 0x1) throw new ZipError(`${name} is encrypted`);
    const { maxPartBytes, maxTotalBytes } = this.limits;
    if (entry.uncompressedSize > maxPartBytes) {
      throw new ZipError(
        `${name} would inflate to ${mib(entry.uncompressedSize)} (limit ${mib(maxPartBytes)})`,
      );
    }
    const header = readAt(this.fd, entry.localHeaderOffset, 30);
    if (header.length < 30 || header.readUInt32LE(0) !== LOCAL_SIGNATURE) {
      throw new ZipError(`${name}: bad local header`);
    }
    const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const compressed = readAt(this.fd, dataStart, entry.compressedSize);
    if (compressed.length < entry.compressedSize) throw new ZipError(`${name}: the file is truncated`);
    // The declared size may lie: the cap holds whatever the data inflates to.
    const cap = Math.min(maxPartBytes, maxTotalBytes - this.inflated);
    let data: Buffer;
    if (entry.method === 0) {
      data = compressed;
    } else if (entry.method === 8) {
      try {
        data = inflateRawSync(compressed, { maxOutputLength: Math.max(cap, 1) });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
          throw new ZipError(`${name} inflates to more than ${mib(cap)} (a zip bomb?)`);
        }
        throw new ZipError(`${name}: ${(error as Error).message}`);
      }
    } else {
      throw new ZipError(`${name}: unsupported compression method ${entry.method}`);
    }
    if (data.length > cap) throw new ZipError(`${name} inflates to more than ${mib(cap)}`);
    this.inflated += data.length;
    return data;
  }

  async close(): Promise<void> {
    closeSync(this.fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const bytesRead = readSync(fd, buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

function readCentralDirectory(fd: number, size: number, limits: ZipLimits): Map<string, Entry> {
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
  if (count > limits.maxEntries) throw new ZipError(`${count} zip entries (limit ${limits.maxEntries})`);
  if (directoryOffset + directorySize > size) throw new ZipError("the zip directory lies outside the file");
  const directory = readAt(fd, directoryOffset, directorySize);
  const entries = new Map<string, Entry>();
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
    // Bit 11: UTF-8 names; otherwise CP437, which equals ASCII for the names workbooks use.
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
    // A repeated name: the last entry wins, as in Python's zipfile.
    entries.set(name, { method, compressedSize, uncompressedSize, localHeaderOffset, flags });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
