import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { crc32, createDeflateRaw, deflateRawSync } from "node:zlib";
import { ZipArchive } from "../../src/benchmarks/spreadsheetbench/xlsx/zip.js";

/** One part of a zip written by writeZip: bytes, or a (big) body produced in chunks. */
export interface ZipPart {
  name: string;
  data?: Buffer;
  /** Chunks to deflate one after another (for parts too large to hold in memory). */
  chunks?: () => Iterable<Buffer>;
  /** Write this uncompressed size into the headers instead of the real one (a lying zip). */
  declaredSize?: number;
}

/**
 * Writes a zip of deflated parts: enough to build test workbooks, including zip bombs, without
 * holding their inflated size in memory.
 */
export async function writeZip(path: string, parts: readonly ZipPart[]): Promise<void> {
  const out = createWriteStream(path);
  const central: Buffer[] = [];
  let offset = 0;
  const write = async (buffer: Buffer) => {
    if (!out.write(buffer)) await once(out, "drain");
    offset += buffer.length;
  };
  for (const part of parts) {
    let compressed: Buffer;
    let size = 0;
    let crc = 0;
    if (part.data) {
      compressed = deflateRawSync(part.data);
      size = part.data.length;
      crc = crc32(part.data);
    } else {
      const deflate = createDeflateRaw({ level: 9 });
      const pieces: Buffer[] = [];
      deflate.on("data", (piece: Buffer) => pieces.push(piece));
      for (const chunk of part.chunks?.() ?? []) {
        size += chunk.length;
        crc = crc32(chunk, crc);
        if (!deflate.write(chunk)) await once(deflate, "drain");
      }
      deflate.end();
      await once(deflate, "end");
      compressed = Buffer.concat(pieces);
    }
    const declared = part.declaredSize ?? size;
    const name = Buffer.from(part.name, "utf8");
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x800, 8);
    header.writeUInt16LE(8, 10);
    header.writeUInt32LE(crc >>> 0, 16);
    header.writeUInt32LE(compressed.length, 20);
    header.writeUInt32LE(declared, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);
    await write(Buffer.concat([local, name]));
    await write(compressed);
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  await write(directory);
  await write(end);
  out.end();
  await once(out, "finish");
}

/** Every part of an existing zip (e.g. a workbook to alter), read with generous limits. */
export async function readZipParts(path: string): Promise<ZipPart[]> {
  const zip = await ZipArchive.open(path);
  try {
    const parts: ZipPart[] = [];
    for (const name of zip.names()) parts.push({ name, data: (await zip.read(name)) ?? Buffer.alloc(0) });
    return parts;
  } finally {
    await zip.close();
  }
}
