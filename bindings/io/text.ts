// Bytes to text without one giant string: a delimited file is decoded in blocks that end at a line break
// outside quotes, so its size is not bounded by the engine's longest string; a JSON file needs one string and
// is refused with the engine's limit named when it is longer.

import { fail } from "./errors.ts";

/**
 * Bytes per block of a delimited file (a block grows to the next line break outside quotes). Small: V8 keeps a
 * string of more than 128 KiB in its large-object space, which costs far more than decoding into it (Node 20:
 * 50 MB of CSV decodes in 0.01 s as 32 KiB blocks, 0.2 s as 1 MiB ones, and the parse of those strings is no
 * faster), so a block's text stays below that whatever its characters' widths.
 */
export const BLOCK_BYTES = 32 * 1024;

/** V8's longest string on 64-bit hosts (Node, Deno, Chromium): 2^29 − 24 UTF-16 code units. */
export const ENGINE_STRING_LIMIT = "2^29 − 24 characters (about 512 MiB), the longest string the JavaScript engine can hold";

const LF = 10, CR = 13, QUOTE = 34;

function count(bytes: Uint8Array, byte: number): number {
  let c = 0;
  for (let i = bytes.indexOf(byte); i >= 0; i = bytes.indexOf(byte, i + 1)) c++;
  return c;
}

/** Line breaks in the bytes: LF, CR LF and a lone CR (old Mac files) each count once, as the parser reads them. */
function lineBreaks(bytes: Uint8Array): number {
  let loneCr = 0;
  for (let i = bytes.indexOf(CR); i >= 0; i = bytes.indexOf(CR, i + 1)) if (bytes[i + 1] !== LF) loneCr++;
  return count(bytes, LF) + loneCr;
}

/**
 * An upper bound on the rows of a delimited file: its lines, ended by LF, CR LF or a lone CR (the parser's line
 * ends). Byte searches go through `bytes.indexOf`, which a Node Buffer does at memory speed.
 */
export function rowBound(bytes: Uint8Array): number {
  if (bytes.length === 0) return 0;
  const last = bytes[bytes.length - 1];
  return lineBreaks(bytes) + (last === LF || last === CR ? 0 : 1);
}

/** The next place of one byte value at or after `from`; `from` must not decrease between calls, so that the
 * searches together pass over the bytes once (a byte the file lacks is not searched for again and again). */
function seeker(bytes: Uint8Array, byte: number): (from: number) => number {
  let found = -2;
  return (from) => (found === -1 || found >= from ? found : (found = bytes.indexOf(byte, from)));
}

/**
 * The line ends of `bytes`: for a place `from` (not decreasing between calls), the place just after the first
 * line end at or after it (LF, CR LF or a lone CR), or −1 when there is none. Unless `final`, a CR that is the
 * last byte is no line end yet (an LF may follow in bytes still to come).
 */
export function lineEnds(bytes: Uint8Array, final = true): (from: number) => number {
  const lf = seeker(bytes, LF), cr = seeker(bytes, CR);
  return (from) => {
    const l = lf(from), c = cr(from);
    if (c < 0 || (l >= 0 && l < c)) return l < 0 ? -1 : l + 1;
    if (c + 1 < bytes.length) return bytes[c + 1] === LF ? c + 2 : c + 1;
    return final ? c + 1 : -1;
  };
}

/** True when a line ends just before `at` (and `at` is not between the CR and the LF of a CR LF). */
function endsLine(bytes: Uint8Array, at: number): boolean {
  const b = bytes[at - 1];
  return b === LF || (b === CR && bytes[at] !== LF);
}

export interface Block {
  bytes: Uint8Array;
  /** the block holds a quote character (so a field may span lines) */
  quoted: boolean;
}

/**
 * The file cut into blocks of about `size` bytes, each ending just after a line end (LF, CR LF or a lone CR) at
 * which the number of quotes since the start of the file is even (so no quoted field spans two blocks). Fails
 * when the file ends inside a quoted field.
 */
export function* blocks(bytes: Uint8Array, size = BLOCK_BYTES): Generator<Block> {
  const lineEnd = lineEnds(bytes);
  let start = 0;
  let nextQuote = bytes.indexOf(QUOTE);
  let lastQuote = -1;
  const countTo = (end: number) => {
    let c = 0;
    while (nextQuote >= 0 && nextQuote < end) {
      c++;
      lastQuote = nextQuote;
      nextQuote = bytes.indexOf(QUOTE, nextQuote + 1);
    }
    return c;
  };
  while (start < bytes.length) {
    let end = Math.min(bytes.length, start + size);
    let quotes = countTo(end);
    while (end < bytes.length && (!endsLine(bytes, end) || (quotes & 1) === 1)) {
      const next = lineEnd(end);
      end = next < 0 ? bytes.length : next;
      quotes += countTo(end);
    }
    // only the last block can end inside quotes: refused before it is parsed, as its rows would be wrong
    if ((quotes & 1) === 1) fail("a quoted field is never closed: the quote opened here runs to the end of the file", { line: lineAt(bytes, lastQuote) });
    yield { bytes: bytes.subarray(start, end), quoted: quotes > 0 };
    start = end;
  }
}

/** The 1-based line of a byte offset. */
function lineAt(bytes: Uint8Array, offset: number): number {
  return lineBreaks(bytes.subarray(0, Math.max(0, offset))) + 1;
}

/** Text cut into lines at LF, CR LF or a lone CR (a last empty line after the final line end is no line). */
export function splitLines(text: string): string[] {
  const lines = text.includes("\r") ? text.split(/\r\n?|\n/) : text.split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * A UTF-8 decoder of whole pieces (each ends at a line break, so no character is split between two), failing
 * on malformed text and naming the engine's string limit when that is hit. A BOM is dropped at the start of
 * the first piece only. (Decoding piece by piece is several times faster than a streaming decoder in Node.)
 */
export function utf8Decoder(): (bytes: Uint8Array) => string {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  let first = true;
  return (bytes) => {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch (error) {
      if (error instanceof RangeError || (error as { code?: string }).code === "ERR_STRING_TOO_LONG") fail(`the text is longer than ${ENGINE_STRING_LIMIT}`, {}, "string-limit");
      fail("not UTF-8 text");
    }
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    return text;
  };
}

/** The whole file as one string (JSON, label lists), BOM dropped. */
export function decodeWhole(bytes: Uint8Array, what: string, advice = ""): string {
  try {
    return utf8Decoder()(bytes);
  } catch (error) {
    if ((error as { kind?: string }).kind === "string-limit") {
      fail(`${what} must be read as one string, and this one is longer than ${ENGINE_STRING_LIMIT}${advice}`, {}, "string-limit");
    }
    throw error;
  }
}
