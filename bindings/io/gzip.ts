// Gunzip through the platform's DecompressionStream (browsers, Node, Deno, Bun), stopped as soon as the output
// passes a bound, so that a small gzip bomb costs no more than the bound; and the size the gzip trailer gives.

import { fail } from "./errors.ts";

export async function gunzip(bytes: Uint8Array, maxBytes = Infinity): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip"));
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        fail(`decompresses to more than ${maxBytes} bytes, the bound on input size`, {}, "size");
      }
      chunks.push(value);
    }
  } catch (error) {
    if ((error as Error).name === "TableError") throw error;
    fail("not a valid gzip file");
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The text's size by the gzip trailer (ISIZE, the last 4 bytes: the last member's size modulo 2^32): exact for
 * a file of one member under 4 GiB, too small for one of several members or of 4 GiB or more (0 for a file too
 * short to be gzip).
 */
export async function gzipTextSize(blob: Blob): Promise<number> {
  if (blob.size < 18) return 0;
  const trailer = new DataView(await blob.slice(blob.size - 4).arrayBuffer());
  return trailer.getUint32(0, true);
}
