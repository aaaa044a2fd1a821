import { closeSync, constants, fstatSync, openSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import {
  entryDataStart,
  LOCAL_SIGNATURE,
  readAt,
  readZipDirectory,
  type ZipEntry,
  ZipError,
} from "../../../util/zip.js";

export { ZipError } from "../../../util/zip.js";

/**
 * A small zip reader for .xlsx files: it reads the central directory (util/zip.ts), then only the
 * parts asked for, each inflated with a hard cap on its size. A zip bomb (a small file that inflates
 * to gigabytes) therefore costs at most the cap in memory and stops with a ZipError.
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

function mib(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}

export class ZipArchive {
  private inflated = 0;

  private constructor(
    private readonly fd: number,
    private readonly entries: Map<string, ZipEntry>,
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
      const entries = readZipDirectory(fd, info.size, limits.maxEntries);
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
    const dataStart = entryDataStart(this.fd, entry);
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
