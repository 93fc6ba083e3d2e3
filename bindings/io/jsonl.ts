// JSON Lines: one JSON object a line (ended by LF, CR LF or CR: JSON holds no raw line break), the vector an
// array of numbers in one field (or numbers in several), other fields kept as metadata. apache-arrow infers
// the column types, and the Arrow path does the rest.

import { tableFromJSON, type Table as ArrowTable } from "apache-arrow";
import { fail } from "./errors.ts";
import { decodeWhole, splitLines } from "./text.ts";

export function readJsonl(bytes: Uint8Array): ArrowTable {
  const text = decodeWhole(bytes, "a JSONL file", ": save data this large as .parquet, .arrow or .npy");
  const rows: Record<string, unknown>[] = [];
  let line = 0;
  for (const raw of splitLines(text)) {
    line++;
    if (raw.trim() === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch (error) {
      fail(`invalid JSON: ${error instanceof Error ? error.message.replace(/ in JSON at position \d+.*$/, "") : String(error)}`, { line });
    }
    if (row === null || typeof row !== "object" || Array.isArray(row)) fail("expected a JSON object (one row of named fields)", { line });
    rows.push(row as Record<string, unknown>);
  }
  if (rows.length === 0) fail("no data rows");
  try {
    return tableFromJSON(rows);
  } catch (error) {
    fail(`the rows' fields do not make columns of one type each: ${error instanceof Error ? error.message : String(error)}`);
  }
}
