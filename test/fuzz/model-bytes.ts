// A saved model taken apart and put back together, written from docs/model-format.md independently of
// bindings/model: the fuzz tests change a header field or a section entry and still hand the loader a file
// whose length and checksum are right, so that the checks behind those are the ones exercised.

export interface ModelParts {
  version: number;
  header: Record<string, unknown>;
  /** each section's bytes, by name, in file order */
  sections: { name: string; type: string; bytes: Uint8Array }[];
}

const MAGIC = [0x89, 0x43, 0x4e, 0x45, 0x0d, 0x0a, 0x1a, 0x0a];

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    c ^= bytes[i];
    for (let b = 0; b < 8; b++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Takes a valid model apart. */
export function parseModel(file: Uint8Array): ModelParts {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = view.getUint32(16, true);
  const header = JSON.parse(new TextDecoder().decode(file.subarray(20, 20 + headerLength)));
  const sections = (header.sections as { name: string; type: string; length: number; offset: number }[]).map((e) => ({
    name: e.name, type: e.type, bytes: file.slice(e.offset, e.offset + e.length * 4),
  }));
  delete header.sections;
  return { version: view.getUint32(8, true), header, sections };
}

/**
 * Puts a model together: the header with a `sections` list laid out from the parts (unless `entries` gives
 * the list to write as is, e.g. a hostile one), the sections 8-byte aligned, the length and CRC-32 right.
 */
export function buildModel(parts: ModelParts, entries?: (laid: Record<string, unknown>[]) => unknown[]): Uint8Array {
  const align8 = (x: number) => Math.ceil(x / 8) * 8;
  const encode = (list: unknown[]) => new TextEncoder().encode(JSON.stringify({ ...parts.header, sections: list }));
  let reserved = align8(encode(parts.sections.map(() => ({ name: "x".repeat(40), type: "f32", length: 2 ** 40, offset: 2 ** 40 }))).length + 256);
  let laid: Record<string, unknown>[] = [];
  let list: unknown[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    let at = 20 + reserved;
    laid = parts.sections.map((s) => {
      at = align8(at);
      const entry = { name: s.name, type: s.type, length: s.bytes.length / 4, offset: at };
      at += s.bytes.length;
      return entry;
    });
    list = entries ? entries(laid) : laid;
    if (encode(list).length <= reserved) break;
    reserved = align8(encode(list).length + 64);
  }
  const headerBytes = encode(list);
  let end = 20 + reserved;
  for (const e of laid) end = Math.max(end, (e.offset as number) + ((e.length as number) * 4));
  const total = end + 4;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(8, parts.version, true);
  view.setUint32(12, total, true);
  view.setUint32(16, reserved, true);
  out.fill(0x20, 20, 20 + reserved);
  out.set(headerBytes, 20);
  parts.sections.forEach((s, i) => out.set(s.bytes, laid[i].offset as number));
  view.setUint32(end, crc32(out.subarray(0, end)), true);
  return out;
}
