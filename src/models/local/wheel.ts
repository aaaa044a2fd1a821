import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import { createInflateRaw } from "node:zlib";

/**
 * Just enough of the zip format to stream one file out of a Python wheel: the central directory
 * names each entry and where its data starts; stored (0) and deflated (8) entries are read.
 */
export interface WheelEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export async function wheelEntries(path: string): Promise<WheelEntry[]> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${path} is not a zip file (no end of central directory)`);
    const count = tail.readUInt16LE(eocd + 10);
    const directorySize = tail.readUInt32LE(eocd + 12);
    const directoryOffset = tail.readUInt32LE(eocd + 16);
    const directory = Buffer.alloc(directorySize);
    await file.read(directory, 0, directorySize, directoryOffset);
    const entries: WheelEntry[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (directory.readUInt32LE(at) !== CENTRAL) throw new Error(`${path}: damaged central directory`);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      entries.push({
        method: directory.readUInt16LE(at + 10),
        compressedSize: directory.readUInt32LE(at + 20),
        size: directory.readUInt32LE(at + 24),
        localHeaderOffset: directory.readUInt32LE(at + 42),
        name: directory.toString("utf8", at + 46, at + 46 + nameLength),
      });
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await file.close();
  }
}

/** A stream of one entry's uncompressed bytes. */
export async function openWheelEntry(path: string, entry: WheelEntry): Promise<Readable> {
  const file = await open(path, "r");
  let dataStart: number;
  try {
    const header = Buffer.alloc(30);
    await file.read(header, 0, 30, entry.localHeaderOffset);
    if (header.readUInt32LE(0) !== LOCAL) throw new Error(`${path}: damaged entry ${entry.name}`);
    dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    await file.close();
  }
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
