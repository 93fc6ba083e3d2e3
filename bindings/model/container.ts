// The container of a saved model (docs/model-format.md): a fixed preamble, a JSON header that describes every
// typed section, the sections (8-byte aligned, little-endian), and a CRC-32 of everything before it. Reading
// checks, in order: length, magic, format version, declared length (truncation), checksum, then the header.

import { failModel } from "../errors.ts";
import { crc32 } from "./crc32.ts";

/** "\x89CNE\r\n\x1a\n": a binary signature that text-mode transfers visibly damage (as PNG's does). */
export const MAGIC = Uint8Array.of(0x89, 0x43, 0x4e, 0x45, 0x0d, 0x0a, 0x1a, 0x0a);
/**
 * The newest format this code reads and writes (docs/model-format.md). A file is stamped with the oldest version
 * whose readers read it correctly: 2 only for what version 1 readers would misread (a parametric model with a
 * PCA in front of its network), 3 for a t-SNE layout (which version 2 readers do not know), 4 for a t-SNE fit that
 * a per-pair loss continued (version 3 readers want a t-SNE fit's layout to be t-SNE's), 5 for a fit given the
 * search options pca or targetRecall (which version 4 readers do not know).
 */
export const FORMAT_VERSION = 5;
/** magic (8), format version (u32), total length (u32), header length (u32) */
const PREAMBLE_BYTES = 20;
const CHECKSUM_BYTES = 4;

export type SectionType = "f32" | "i32";
export type SectionData = Float32Array | Int32Array;

export interface SectionEntry {
  name: string;
  type: SectionType;
  /** values, not bytes */
  length: number;
  /** bytes from the start of the file */
  offset: number;
}

export interface ContainerHeader {
  sections: SectionEntry[];
  [field: string]: unknown;
}

const align8 = (x: number) => (x + 7) & ~7;

/** Writes the header fields and the sections into one file. */
export function writeContainer(fields: Record<string, unknown>, sections: Record<string, SectionData>, version = FORMAT_VERSION): Uint8Array {
  const names = Object.keys(sections);
  // the header holds the sections' offsets, which depend on its own length: lay out with a fixed-width guess,
  // then pad the header to the length the offsets assumed
  const entries: SectionEntry[] = names.map((name) => ({
    name, type: sections[name] instanceof Float32Array ? "f32" : "i32", length: sections[name].length, offset: 0,
  }));
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(JSON.stringify({ ...fields, sections: entries }));
  let reserved = align8(headerBytes.length + 16 * names.length + 64);
  for (;;) {
    let at = PREAMBLE_BYTES + reserved;
    for (const e of entries) {
      at = align8(at);
      e.offset = at;
      at += sections[e.name].byteLength;
    }
    headerBytes = encoder.encode(JSON.stringify({ ...fields, sections: entries }));
    if (headerBytes.length <= reserved) break;
    reserved = align8(headerBytes.length + 64);
  }
  const last = entries.at(-1);
  const bodyEnd = last ? last.offset + sections[last.name].byteLength : PREAMBLE_BYTES + reserved;
  const total = bodyEnd + CHECKSUM_BYTES;
  if (total > 0xffffffff) failModel(`a model of ${total} bytes exceeds the format's 4 GiB limit`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(8, version, true);
  view.setUint32(12, total, true);
  view.setUint32(16, reserved, true);
  out.fill(0x20, PREAMBLE_BYTES, PREAMBLE_BYTES + reserved); // JSON padded with spaces
  out.set(headerBytes, PREAMBLE_BYTES);
  for (const e of entries) {
    const s = sections[e.name];
    out.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), e.offset);
  }
  view.setUint32(bodyEnd, crc32(out.subarray(0, bodyEnd)), true);
  return out;
}

export interface Container {
  formatVersion: number;
  header: ContainerHeader;
  /** A section's values; `length` is the count the header implies, `from` the fields it follows from. */
  section(name: string, type: SectionType, length?: number, from?: string): SectionData;
  has(name: string): boolean;
  /** The number of values a section holds (without reading it), or undefined when there is none. */
  lengthOf(name: string): number | undefined;
}

/** Reads and checks a file written by writeContainer; every problem is a CneModelError naming it. */
export function readContainer(bytes: Uint8Array): Container {
  if (!(bytes instanceof Uint8Array)) failModel("a saved model is a Uint8Array");
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    failModel("not a cne-wasm model (wrong magic bytes)");
  }
  if (bytes.length < PREAMBLE_BYTES + CHECKSUM_BYTES) failModel(`truncated model: ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const formatVersion = view.getUint32(8, true);
  if (formatVersion > FORMAT_VERSION) {
    failModel(`the model has format version ${formatVersion}; this cne-wasm reads versions up to ${FORMAT_VERSION}: upgrade cne-wasm`);
  }
  if (formatVersion < 1) failModel(`invalid format version ${formatVersion}`);
  const total = view.getUint32(12, true), headerLength = view.getUint32(16, true);
  if (bytes.length < total) failModel(`truncated model: ${bytes.length} of ${total} bytes`);
  if (bytes.length > total) failModel(`the model has ${bytes.length - total} bytes after its end (${total} bytes)`);
  const bodyEnd = total - CHECKSUM_BYTES;
  if (crc32(bytes.subarray(0, bodyEnd)) !== view.getUint32(bodyEnd, true)) failModel("corrupted model: the checksum does not match");
  if (PREAMBLE_BYTES + headerLength > bodyEnd) failModel("corrupted model: the header runs past the end");
  let header: ContainerHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)));
  } catch {
    failModel("corrupted model: the header is not JSON");
  }
  if (header === null || typeof header !== "object" || !Array.isArray(header.sections)) failModel("corrupted model: the header lists no sections");
  const entries = checkSections(header.sections, PREAMBLE_BYTES + headerLength, bodyEnd);
  return {
    formatVersion,
    header,
    has: (name) => entries.has(name),
    lengthOf: (name) => entries.get(name)?.length,
    section(name, type, length, from) {
      const e = entries.get(name);
      if (!e) failModel(`the model has no "${name}" section`);
      if (e.type !== type) failModel(`section "${name}" is ${e.type}, expected ${type}`);
      if (length !== undefined && e.length !== length) {
        failModel(`corrupted model: section "${name}" has ${e.length} values, expected ${length}${from ? ` (header fields ${from})` : ""}`);
      }
      // checkSections has placed every section inside the file: the copy costs at most the file's length
      const copy = bytes.slice(e.offset, e.offset + e.length * 4).buffer;
      return type === "f32" ? new Float32Array(copy) : new Int32Array(copy);
    },
  };
}

/**
 * Checks every section entry before any is read: a name, a known type, a whole number of values, an 8-byte
 * aligned offset, all of it between the header and the checksum; no name twice, no two sections overlapping.
 */
function checkSections(list: unknown[], start: number, end: number): Map<string, SectionEntry> {
  const entries = new Map<string, SectionEntry>();
  for (const [i, e] of list.entries()) {
    if (e === null || typeof e !== "object") failModel(`corrupted model: section entry ${i} is not an object`);
    const { name, type, length, offset } = e as Record<string, unknown>;
    if (typeof name !== "string" || name.length === 0) failModel(`corrupted model: section entry ${i} has no name`);
    if (entries.has(name)) failModel(`corrupted model: section "${name}" is listed twice`);
    if (type !== "f32" && type !== "i32") failModel(`corrupted model: section "${name}" has type ${JSON.stringify(type)}, not f32 or i32`);
    if (!Number.isInteger(length) || (length as number) < 0) failModel(`corrupted model: section "${name}" has length ${JSON.stringify(length)}`);
    if (!Number.isInteger(offset) || (offset as number) % 8 !== 0) failModel(`corrupted model: section "${name}" has offset ${JSON.stringify(offset)}, not a multiple of 8`);
    if ((offset as number) < start || (offset as number) + (length as number) * 4 > end) failModel(`section "${name}" lies outside the file`);
    entries.set(name, { name, type, length: length as number, offset: offset as number });
  }
  const sorted = [...entries.values()].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const before = sorted[i - 1];
    if (before.offset + before.length * 4 > sorted[i].offset) failModel(`corrupted model: sections "${before.name}" and "${sorted[i].name}" overlap`);
  }
  return entries;
}
