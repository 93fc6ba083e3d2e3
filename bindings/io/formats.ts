// The format registry: which table formats a path or its first bytes name, what each can do (read, write,
// be gzipped), and the lists shown in messages and help. Adding a format starts here.

export type TableFormat = "npy" | "csv" | "tsv" | "json" | "jsonl" | "parquet" | "arrow" | "arrows";

export interface FormatSpec {
  extension: string;
  /** a text format (decoded as UTF-8), and its field delimiter when it is delimited */
  text: boolean;
  delimiter?: string;
  /** may be read gzipped (.gz after the extension, or the gzip magic bytes) */
  gzip: boolean;
  /** embeddings can be written in it */
  writable: boolean;
  /** a table of named, typed columns (read through Arrow): the vector in one list column or in the numeric
   * columns, the other columns kept and written back beside x and y */
  columnar?: boolean;
  /** other extensions that name it */
  aliases?: string[];
}

export const FORMATS: Readonly<Record<TableFormat, FormatSpec>> = {
  npy: { extension: "npy", text: false, gzip: false, writable: true },
  csv: { extension: "csv", text: true, delimiter: ",", gzip: true, writable: true },
  tsv: { extension: "tsv", text: true, delimiter: "\t", gzip: true, writable: false },
  json: { extension: "json", text: true, gzip: true, writable: true },
  jsonl: { extension: "jsonl", text: true, gzip: true, writable: false, columnar: true, aliases: ["ndjson"] },
  parquet: { extension: "parquet", text: false, gzip: false, writable: true, columnar: true, aliases: ["pq"] },
  // Arrow IPC: the file format (.arrow, .feather v2) and the stream format (.arrows); the reader tells them apart
  arrow: { extension: "arrow", text: false, gzip: false, writable: true, columnar: true, aliases: ["feather", "ipc"] },
  arrows: { extension: "arrows", text: false, gzip: false, writable: true, columnar: true },
};

const ALL = Object.keys(FORMATS) as TableFormat[];

export const INPUT_FORMATS = `${ALL.map((f) => `.${f}`).join(", ")} (text formats optionally .gz)`;
export const OUTPUT_FORMATS = ALL.filter((f) => FORMATS[f].writable).map((f) => `.${f}`).join(", ");

const GZIP_MAGIC = [0x1f, 0x8b];
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1"
const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

export function isGzip(bytes: Uint8Array): boolean {
  return startsWith(bytes, GZIP_MAGIC);
}

export function isNpy(bytes: Uint8Array): boolean {
  return startsWith(bytes, NPY_MAGIC);
}

function extensionOf(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf("/"), name.lastIndexOf("\\")) + 1).toLowerCase();
  const dot = base.lastIndexOf(".");
  return dot < 0 ? "" : base.slice(dot + 1);
}

/**
 * The input format a file name gives, with whether the name says gzip (`.csv.gz`); undefined when unknown.
 * A name without a known extension is an .npy when its bytes (if given) begin with the NPY magic.
 */
export function inputFormatOf(name: string, bytes?: Uint8Array): { format: TableFormat; gzip: boolean } | undefined {
  const gzip = name.toLowerCase().endsWith(".gz");
  const ext = extensionOf(gzip ? name.slice(0, -3) : name);
  const format = ALL.find((f) => FORMATS[f].extension === ext || FORMATS[f].aliases?.includes(ext));
  if (format) return gzip && !FORMATS[format].gzip ? undefined : { format, gzip };
  if (!gzip && bytes && isNpy(bytes)) return { format: "npy", gzip: false };
  if (!gzip && bytes && startsWith(bytes, PARQUET_MAGIC)) return { format: "parquet", gzip: false };
  if (!gzip && bytes && startsWith(bytes, ARROW_MAGIC)) return { format: "arrow", gzip: false };
  return undefined;
}

/** The format an output file name asks for; undefined when it is not one embeddings are written in. */
export function outputFormatOf(name: string): TableFormat | undefined {
  const ext = extensionOf(name);
  return ALL.find((f) => (FORMATS[f].extension === ext || FORMATS[f].aliases?.includes(ext)) && FORMATS[f].writable);
}
