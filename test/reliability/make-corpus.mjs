// The bad-input corpus of the command line: every case is a file and the outcome a user must see, stated by
// hand: `error` is the exact stderr line of a refusal (exit 1); `rows` means the file embeds (exit 0) to that
// many finite rows, with an optional `warning` line. `node test/reliability/make-corpus.mjs` rewrites the files
// in test/reliability/corpus/ (corpus.test.ts checks they match these cases byte for byte).
// .npy files are written here directly (header and bytes), so no Python is needed.
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

export const CORPUS_DIR = fileURLToPath(new URL("./corpus/", import.meta.url));

const N = 40, D = 3;
/** N × D small integers, all rows distinct: representable exactly in every numeric dtype. */
const base = Array.from({ length: N }, (_, i) => [i % 7, Math.floor(i / 7), (i * 5) % 11]);
const csvOf = (rows, sep = ",", eol = "\n") => rows.map((r) => r.join(sep)).join(eol) + eol;

/** An NPY file: version 1.0 header padded to 64 bytes, then the raw bytes. */
export function npy(descr, shape, body, extra = "") {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${extra === "fortran" ? "True" : "False"}, 'shape': ${shapeText}, }`;
  while ((10 + header.length + 1) % 64 !== 0) header += " ";
  header += "\n";
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(body, 10 + header.length);
  return out;
}

/** The values as `bytes`-wide elements written by `put(view, offset, value)` (little-endian unless told). */
function pack(values, bytes, put) {
  const buf = new Uint8Array(values.length * bytes);
  const view = new DataView(buf.buffer);
  values.forEach((v, i) => put(view, i * bytes, v));
  return buf;
}

/** float16 bits of a small integer or simple value (exact for the values used here). */
function f16(v) {
  if (Number.isNaN(v)) return 0x7e00;
  if (v === Infinity) return 0x7c00;
  if (v === 0) return 0;
  const sign = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const e = Math.floor(Math.log2(a));
  return sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
}

const flat = base.flat();
const LE = true;
const DTYPES = {
  "<f2": pack(flat, 2, (d, o, v) => d.setUint16(o, f16(v), LE)),
  "<f4": pack(flat, 4, (d, o, v) => d.setFloat32(o, v, LE)),
  "<f8": pack(flat, 8, (d, o, v) => d.setFloat64(o, v, LE)),
  "|i1": pack(flat, 1, (d, o, v) => d.setInt8(o, -v)),
  "|u1": pack(flat, 1, (d, o, v) => d.setUint8(o, v)),
  "<i2": pack(flat, 2, (d, o, v) => d.setInt16(o, -v, LE)),
  "<u2": pack(flat, 2, (d, o, v) => d.setUint16(o, v, LE)),
  "<i4": pack(flat, 4, (d, o, v) => d.setInt32(o, -v, LE)),
  "<u4": pack(flat, 4, (d, o, v) => d.setUint32(o, v, LE)),
  "<i8": pack(flat, 8, (d, o, v) => d.setBigInt64(o, BigInt(-v), LE)),
  "<u8": pack(flat, 8, (d, o, v) => d.setBigUint64(o, BigInt(v), LE)),
};
const f4 = (rows) => pack(rows.flat(), 4, (d, o, v) => d.setFloat32(o, v, LE));
const UNSUPPORTED = "use float32, float64 or an integer type, little-endian";

/** name → { bytes, error } | { bytes, rows, warning? } */
export const CASES = {
  // text: values
  "nan.csv": { bytes: "1,2\n3,nan\n", error: "cne: nan.csv: line 2, column 2: NaN value" },
  "infinity.csv": { bytes: "1,2\n-Infinity,4\n", error: "cne: infinity.csv: line 2, column 1: -Infinity is infinite or outside the float32 range" },
  "beyond-float32.csv": { bytes: "1,2\n3,1e39\n", error: "cne: beyond-float32.csv: line 2, column 2: 1e39 is infinite or outside the float32 range" },
  "huge-1e30.csv": { bytes: csvOf(base.map((r) => r.map((v) => `${v}e30`))), rows: N },
  "tiny-1e-30.csv": { bytes: csvOf(base.map((r) => r.map((v) => `${v}e-30`))), rows: N },
  "offset-1e6.csv": { bytes: csvOf(base.map((r) => r.map((v) => 1e6 + v))), rows: N },
  // text: structure
  "empty.csv": { bytes: "", error: "cne: empty.csv: no data rows" },
  "blank-lines.csv": { bytes: "\n\n  \n", error: "cne: blank-lines.csv: no data rows" },
  "header-only.csv": { bytes: "a,b,c\n", error: "cne: header-only.csv: no data rows" },
  "bom.csv": { bytes: "\ufeff" + "x,y,z\n" + csvOf(base), rows: N },
  "crlf.csv": { bytes: csvOf(base, ",", "\r\n"), rows: N },
  "crlf.tsv": { bytes: csvOf(base, "\t", "\r\n"), rows: N },
  // old Mac files end lines with a lone CR: rows as with LF, never one long row; and LF, CR LF, CR mixed
  "cr-only.csv": { bytes: "x,y,z\r" + csvOf(base, ",", "\r"), rows: N },
  "cr-only.tsv": { bytes: csvOf(base, "\t", "\r"), rows: N },
  "cr-only.csv.gz": { bytes: gzipSync(Buffer.from(csvOf(base, ",", "\r")), { mtime: 0 }), rows: N },
  "mixed-line-ends.csv": { bytes: base.map((r, i) => r.join(",") + ["\n", "\r\n", "\r"][i % 3]).join(""), rows: N },
  "cr-only-ragged.csv": { bytes: "1,2,3\r4,5,6\r7,8\r", error: "cne: cr-only-ragged.csv: line 3: ragged row: 2 fields, expected 3 (as in line 1)" },
  "cr-only-unclosed-quote.csv": { bytes: '1,2,3\r4,5,6\r7,"8,9\r1,2,3\r', error: "cne: cr-only-unclosed-quote.csv: line 3: a quoted field is never closed: the quote opened here runs to the end of the file" },
  "quoted.csv": { bytes: '"a","b","c"\n' + base.map((r) => r.map((v) => `"${v}"`).join(",")).join("\n") + "\n", rows: N },
  "quoted-comma.csv": { bytes: '1,2,3\n1,"2,5",3\n', error: 'cne: quoted-comma.csv: line 2, column 2: "2,5" is not a number' },
  // a first line is a header only when every field is a name: one with numbers in it is data
  "text-first-line-only.csv": {
    bytes: '1,"2,5",3\n',
    error: 'cne: text-first-line-only.csv: line 1, column 2: "2,5" is not a number (line 1 was read as data: give --header if it names the columns)',
  },
  // the header rule is never tripped by a numeric-looking first row: it stays data (and fails or warns)
  "nan-first-row.csv": { bytes: "nan,1,2\n" + csvOf(base), error: "cne: nan-first-row.csv: line 1, column 1: NaN value (line 1 was read as data: give --header if it names the columns)" },
  "na-first-row.csv": { bytes: "NA,1,2\n" + csvOf(base), error: 'cne: na-first-row.csv: line 1, column 1: "NA" is not a number (line 1 was read as data: give --header if it names the columns)' },
  "index-header.csv": { bytes: ",a,b\n" + csvOf(base), error: "cne: index-header.csv: line 1, column 1: empty cell (line 1 was read as data: give --header if it names the columns)" },
  "column-numbers-header.csv": {
    bytes: "0,1,2\n" + csvOf(base),
    rows: N + 1,
    warning: "cne: warning: column-numbers-header.csv: line 1 is 0,1,2, the column numbers pandas writes as a header for unnamed columns, and was read as data: give --header to skip it, or --no-header to keep it without this warning",
  },
  "quoted-line-break.csv": { bytes: '"first\ncolumn",b,c\n' + csvOf(base), rows: N },
  "unclosed-quote.csv": { bytes: '1,2,3\n4,"5,6\n7,8,9\n', error: "cne: unclosed-quote.csv: line 2: a quoted field is never closed: the quote opened here runs to the end of the file" },
  "mixed-text-column.csv": { bytes: "a,b,c\n1,x,3\n", error: 'cne: mixed-text-column.csv: line 2, column 2: "x" is not a number' },
  "ragged.csv": { bytes: "1,2,3\n4,5\n", error: "cne: ragged.csv: line 2: ragged row: 2 fields, expected 3 (as in line 1)" },
  "empty-cell.csv": { bytes: "1,2,3\n1,,3\n", error: "cne: empty-cell.csv: line 2, column 2: empty cell" },
  "latin1.csv": { bytes: new Uint8Array([0x61, 0xe9, 0x0a, 0x31, 0x0a]), error: "cne: latin1.csv: not UTF-8 text" },
  "not-gzip.csv.gz": { bytes: "1,2\n", error: "cne: not-gzip.csv.gz: not a valid gzip file" },
  "gzipped.csv.gz": { bytes: gzipSync(Buffer.from(csvOf(base)), { mtime: 0 }), rows: N },
  "one-row.csv": { bytes: "1,2,3\n", error: "cne: one-row.csv: n = 1 is too small for --k = 15: need n > --k" },
  // degenerate
  "identical-rows.csv": { bytes: csvOf(Array.from({ length: N }, () => [1, 1, 1])), error: "cne: identical-rows.csv: data has zero variance: all 40 rows are identical, so there is nothing to embed" },
  "five-distinct-rows.csv": {
    bytes: csvOf(base.map((_, i) => [i % 5, 2 * (i % 5), 0])),
    rows: N,
    warning: "cne: warning: five-distinct-rows.csv: data has only 5 distinct rows, fewer than --k + 1 = 16: the neighbours of every point are mostly exact duplicates, so the layout can show at most 5 separate groups",
  },
  // JSON
  "object.json": { bytes: '{"a": 1}', error: "cne: object.json: expected an array of rows (arrays of numbers)" },
  "flat-array.json": { bytes: "[1, 2, 3]", error: "cne: flat-array.json: row 0 (0-based): not an array: expected an array of numbers" },
  "empty-array.json": { bytes: "[]", error: "cne: empty-array.json: no data rows" },
  "empty-rows.json": { bytes: "[[], []]", error: "cne: empty-rows.json: row 0 (0-based): rows have no feature columns" },
  "ragged.json": { bytes: "[[1, 2], [3]]", error: "cne: ragged.json: row 1 (0-based): ragged row: 1 values, expected 2 (as in row 0)" },
  "strings.json": { bytes: '[[1, "2"]]', error: 'cne: strings.json: row 0, column 1 (0-based): "2" is not a number' },
  "null.json": { bytes: "[[1, null]]", error: "cne: null.json: row 0, column 1 (0-based): null is not a number" },
  "truncated.json": { bytes: "[[1, 2], [3,", error: "cne: truncated.json: invalid JSON: Unexpected end of JSON input" },
  "rows.json": { bytes: JSON.stringify(base), rows: N },
  // .npy: every numeric dtype embeds
  ...Object.fromEntries(Object.entries(DTYPES).map(([descr, body]) => [`dtype-${descr.slice(1)}.npy`, { bytes: npy(descr, [N, D], body), rows: N }])),
  // bool is read as 0/1; these rows take only 8 distinct values
  "dtype-b1.npy": {
    bytes: npy("|b1", [N, D], Uint8Array.from(flat, (v) => v % 2)),
    rows: N,
    warning: "cne: warning: dtype-b1.npy: data has only 8 distinct rows, fewer than --k + 1 = 16: the neighbours of every point are mostly exact duplicates, so the layout can show at most 8 separate groups",
  },
  "big-endian-f4.npy": { bytes: npy(">f4", [N, D], pack(flat, 4, (d, o, v) => d.setFloat32(o, v, false))), error: `cne: big-endian-f4.npy: unsupported dtype (>f4); ${UNSUPPORTED}` },
  "big-endian-i8.npy": { bytes: npy(">i8", [N, D], pack(flat, 8, (d, o, v) => d.setBigInt64(o, BigInt(v), false))), error: `cne: big-endian-i8.npy: unsupported dtype (>i8); ${UNSUPPORTED}` },
  "complex-c8.npy": { bytes: npy("<c8", [N, D], new Uint8Array(N * D * 8)), error: "cne: complex-c8.npy: unsupported dtype c8; use float32, float64 or an integer type" },
  "unicode-U3.npy": { bytes: npy("<U3", [N, D], new Uint8Array(N * D * 12)), error: "cne: unicode-U3.npy: unsupported dtype U3; use float32, float64 or an integer type" },
  "f2-nan.npy": { bytes: npy("<f2", [2, 2], pack([1, 2, NaN, 3], 2, (d, o, v) => d.setUint16(o, f16(v), LE))), error: "cne: f2-nan.npy: row 1, column 0 (0-based): NaN value" },
  "f4-infinity.npy": { bytes: npy("<f4", [2, 2], f4([[1, 2], [3, -Infinity]])), error: "cne: f4-infinity.npy: row 1, column 1 (0-based): -Infinity is infinite or outside the float32 range" },
  "f8-beyond-float32.npy": { bytes: npy("<f8", [1, 2], pack([1, 1e39], 8, (d, o, v) => d.setFloat64(o, v, LE))), error: "cne: f8-beyond-float32.npy: row 0, column 1 (0-based): 1e+39 is infinite or outside the float32 range" },
  "f4-huge-1e30.npy": { bytes: npy("<f4", [N, D], f4(base.map((r) => r.map((v) => v * 1e30)))), rows: N },
  // .npy: shapes and structure
  "shape-0xd.npy": { bytes: npy("<f4", [0, D], new Uint8Array(0)), error: "cne: shape-0xd.npy: empty array of shape (0, 3)" },
  "shape-nx0.npy": { bytes: npy("<f4", [N, 0], new Uint8Array(0)), error: "cne: shape-nx0.npy: empty array of shape (40, 0)" },
  "shape-1xd.npy": { bytes: npy("<f4", [1, D], f4([[1, 2, 3]])), error: "cne: shape-1xd.npy: n = 1 is too small for --k = 15: need n > --k" },
  "shape-1d.npy": { bytes: npy("<f4", [N], f4([base.map((r) => r[0])])), error: "cne: shape-1d.npy: expected a 2-D array, got shape (40)" },
  "shape-3d.npy": { bytes: npy("<f4", [2, 2, 2], new Uint8Array(32)), error: "cne: shape-3d.npy: expected a 2-D array, got shape (2, 2, 2)" },
  "huge-declared-shape.npy": { bytes: npy("<f4", [1000000000, 1000], f4([[1, 2, 3]])), error: "cne: huge-declared-shape.npy: truncated: shape (1000000000, 1000) needs 1000000000000 values, the file holds 3" },
  "truncated.npy": { bytes: npy("<f4", [N, D], f4(base).subarray(0, 20)), error: `cne: truncated.npy: truncated: shape (${N}, ${D}) needs ${N * D} values, the file holds 5` },
  "fortran-order.npy": { bytes: npy("<f4", [N, D], f4(base), "fortran"), error: "cne: fortran-order.npy: Fortran-order arrays are not supported: save a C-order array (numpy.ascontiguousarray)" },
  "bad-magic.npy": { bytes: "1,2,3\n", error: "cne: bad-magic.npy: not a valid .npy file (Not an .npy file)" },
  "header-cut.npy": { bytes: npy("<f4", [N, D], f4(base)).subarray(0, 30), error: "cne: header-cut.npy: not a valid .npy file (Invalid typed array length: 118)" },
};

export function writeCorpus(dir = CORPUS_DIR) {
  mkdirSync(dir, { recursive: true });
  for (const [name, c] of Object.entries(CASES)) writeFileSync(dir + name, typeof c.bytes === "string" ? c.bytes : c.bytes);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) writeCorpus();
