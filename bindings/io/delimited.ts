// CSV and TSV: parsed by d3-dsv (RFC 4180 quoting, CRLF, quoted line breaks) block by block, or by String.split
// in a block without a quote character, each row turned into float32 values as it is parsed, so no array of
// rows and no string of the whole file is ever built; the values have room for every row from the first.
// Blank lines are skipped and counted; the first row is a header by the caller's word or by header.ts's rule.

import { dsvFormat } from "d3-dsv";
import { fail } from "./errors.ts";
import { isHeaderRow, looksLikeColumnNumbers } from "./header.ts";
import { defaultColumns, resolveLabelColumn } from "./columns.ts";
import { blocks, rowBound, splitLines, utf8Decoder } from "./text.ts";
import type { LineCounts, ReadOptions, Table } from "./types.ts";

/** A numeric cell's value, or an error naming its place. */
function parseCell(cell: string, line: number, column: number, kind: "value" | "first-row-value"): number {
  // the common case in one conversion (Number() skips surrounding white space, and reads "" as 0)
  const v = +cell;
  if (Number.isFinite(Math.fround(v)) && (v !== 0 || cell.trim() !== "")) return v;
  return refuseCell(cell, line, column, kind);
}

function refuseCell(cell: string, line: number, column: number, kind: "value" | "first-row-value"): never {
  const s = cell.trim();
  if (s === "") fail("empty cell", { line, column }, kind);
  const v = Number(s);
  if (Number.isNaN(v)) {
    if (/^[+-]?nan$/i.test(s)) fail("NaN value", { line, column }, kind);
    fail(`"${s.length > 40 ? s.slice(0, 40) + "…" : s}" is not a number`, { line, column }, kind);
  }
  fail(`${s} is infinite or outside the float32 range`, { line, column }, kind);
}

/** Line breaks inside the fields of a row (quoted fields only can hold them). */
function breaksInside(fields: readonly string[]): number {
  let breaks = 0;
  for (const f of fields) {
    if (!f.includes("\n") && !f.includes("\r")) continue;
    breaks += f.replace(/\r\n/g, "\n").replace(/[^\n\r]/g, "").length;
  }
  return breaks;
}

export function readDelimited(bytes: Uint8Array, delimiter: string, options: ReadOptions): Table {
  const lines = rowBound(bytes);
  options.onRowBound?.({ atMost: lines, exact: false });
  const parser = dsvFormat(delimiter);
  const decode = utf8Decoder();
  const counts: LineCounts = { lines: 0, blank: 0, continued: 0 };
  let width = -1, widthLine = 0, labelIndex = -1, dim = 0, n = 0;
  let firstDataLine = 0;
  let header: string[] | undefined;
  let values = new Float32Array(1024);
  const labels: string[] = [];
  let line = 1;

  const onRow = (fields: string[], quoted: boolean) => {
    const at = line;
    const breaks = quoted ? breaksInside(fields) : 0;
    line += 1 + breaks;
    counts.continued += breaks;
    if (fields.length === 1 && fields[0].trim() === "") {
      counts.blank++;
      return;
    }
    if (width < 0) {
      width = fields.length;
      widthLine = at;
      const isHeader = options.header ?? isHeaderRow(fields);
      if (isHeader) header = fields.map((f) => f.trim());
      else if (options.header === undefined && looksLikeColumnNumbers(fields)) counts.columnNumbersLine = at;
      labelIndex = resolveLabelColumn(options.labelColumn, width, header, isHeader ? undefined : fields);
      dim = width - (labelIndex >= 0 ? 1 : 0);
      if (dim < 1) fail("no feature columns", { line: at });
      // room for every row at once: at most a row a line, and a row of `width` cells takes 2 · width bytes at
      // least (a character a cell, a delimiter or line end after each), so a file of blank lines reserves little
      values = new Float32Array(Math.max(1024, Math.min(lines, Math.floor((bytes.length + 1) / (2 * width))) * dim));
      if (isHeader) {
        counts.headerLine = at;
        return;
      }
    }
    if (options.labelColumn === "auto" && header && n === 0 && labelIndex < 0) {
      // "auto" after a header: the first data row decides
      labelIndex = resolveLabelColumn("auto", width, header, fields);
      dim = width - (labelIndex >= 0 ? 1 : 0);
      if (dim < 1) fail("no feature columns", { line: at });
    }
    if (fields.length !== width) fail(`ragged row: ${fields.length} fields, expected ${width} (as in line ${widthLine})`, { line: at });
    if (n === 0) firstDataLine = at;
    const kind = at === firstDataLine && !header && options.header === undefined ? "first-row-value" : "value";
    if ((n + 1) * dim > values.length) {
      const grown = new Float32Array(Math.max(Math.ceil(1.25 * values.length), (n + 1) * dim, 1024));
      grown.set(values);
      values = grown;
    }
    let k = n * dim;
    for (let j = 0; j < width; j++) {
      if (j === labelIndex) {
        const label = fields[j].trim();
        if (label === "") fail("empty label", { line: at, column: j + 1 });
        labels.push(label);
      } else values[k++] = parseCell(fields[j], at, j + 1, kind);
    }
    n++;
  };

  for (const block of blocks(bytes)) {
    const text = decode(block.bytes);
    if (block.quoted) {
      parser.parseRows(text, (fields) => {
        onRow(fields, true);
        return null;
      });
    } else if (text !== "") {
      // no quote, so no quoting: the rows d3-dsv would give, cut by the engine's split (half the CPU time of
      // d3-dsv's loop over characters: bench/read-csv.js)
      for (const line of splitLines(text)) onRow(line.split(delimiter), false);
    }
  }
  counts.lines = n + counts.blank + counts.continued + (counts.headerLine !== undefined ? 1 : 0);
  if (n === 0) fail("no data rows");
  // a buffer much larger than the table is given back
  const used = values.length > 1.25 * n * dim ? values.slice(0, n * dim) : values.subarray(0, n * dim);
  return {
    values: used,
    n,
    dim,
    columns: header ?? defaultColumns(width),
    header,
    labelColumn: labelIndex,
    labels: labelIndex >= 0 ? labels : undefined,
    lines: counts,
  };
}
