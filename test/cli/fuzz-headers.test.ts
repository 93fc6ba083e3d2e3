// Fuzz of the text readers' header rule and of the text forms a table takes (quotes, BOM, CRLF, blank lines),
// written from the classes, each with its outcome: a first row with any numeric-looking field (numbers in any
// notation, every NaN / infinity / missing-value spelling) is never taken for a header, so no data row is lost;
// a row of names only is a header; a row of numbers stays data (and column numbers are flagged); --header and
// --no-header override the rule; the form of the text never changes the table; and the CLI's reader and the
// page's agree on every generated file. Generated data only, a few seconds.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { isHeaderRow, isNumericLooking, readTable, TableError, type Table } from "../../dist/io/index.js";
import { readTable as readInCli } from "../../dist/cli/read.js";
import { readTable as readInPage } from "../../explorer/src/parse.ts";
import { tempDir } from "./files.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());
const RUNS = { numRuns: 150, seed: 20260 };

/** Random letter case. */
const cased = (word: string) => fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length })
  .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(""));
const sign = fc.constantFrom("", "+", "-");
/** Numbers as programs write them: integers, decimals, exponents (e, E, D), leading dot, hex, surrounding spaces. */
const numberText = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }).map(String),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => String(v)),
  fc.tuple(fc.double({ min: -1e30, max: 1e30, noNaN: true }), fc.integer({ min: 0, max: 8 })).map(([v, d]) => v.toExponential(d)),
  fc.tuple(sign, fc.nat(999), fc.nat(99)).map(([s, a, b]) => `${s}${a}.${b}D+0${b % 10}`),
  fc.tuple(sign, fc.nat(99)).map(([s, b]) => `${s}.${b}`),
  fc.nat(255).map((v) => `0x${v.toString(16)}`),
  fc.tuple(fc.constantFrom(" ", "  ", ""), fc.integer(), fc.constantFrom(" ", "")).map(([a, v, b]) => `${a}${v}${b}`),
);
/** Non-finite and missing values in the spellings of numpy, pandas, R, spreadsheets and C runtimes. */
const nonFiniteText = fc.oneof(
  fc.tuple(sign, cased("nan")).map(([s, w]) => s + w),
  fc.tuple(sign, fc.constantFrom("inf", "infinity")).chain(([s, w]) => cased(w).map((c) => s + c)),
  fc.constantFrom("NA", "N/A", "n/a", "<NA>", "#N/A", "#NA", "NULL", "null", "None", "nil", "NaT", "", " ", "-", "?", ".",
    "1.#INF", "-1.#IND", "1.#QNAN", "#DIV/0!", "#VALUE!", "#NUM!", "∞", "-∞", "missing"),
);
const numericLooking = fc.oneof(numberText, nonFiniteText);
/** A column name: starts with a letter, and is none of the words that spell a missing value. */
const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_ ]{0,11}$/).filter((s) => !isNumericLooking(s));
/** A data row's numbers, plainly written. */
const value = fc.integer({ min: -999, max: 999 }).map((v) => v / 8);

function csv(rows: string[][], eol = "\n"): string {
  return rows.map((r) => r.join(",")).join(eol) + eol;
}

async function outcome(name: string, text: string | Uint8Array, options: Parameters<typeof readTable>[2] = {}): Promise<Table | TableError> {
  try {
    return await readTable(name, typeof text === "string" ? new TextEncoder().encode(text) : text, options);
  } catch (error) {
    if (error instanceof TableError) return error;
    throw error;
  }
}

const dataRows = fc.integer({ min: 2, max: 4 }).chain((width) =>
  fc.array(fc.array(value, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 12 }));

describe("the header rule", () => {
  it("a first row with a numeric-looking field anywhere is data: read as a row, or refused at line 1, never dropped", async () => {
    await fc.assert(fc.asyncProperty(dataRows, numericLooking, fc.nat(), fc.array(fc.oneof(name, numberText), { minLength: 4, maxLength: 4 }),
      async (rows, token, at, others) => {
        const width = rows[0].length;
        const first = others.slice(0, width);
        first[at % width] = token;
        expect(isHeaderRow(first)).toBe(false);
        const t = await outcome("x.csv", csv([first, ...rows.map((r) => r.map(String))]));
        if (t instanceof TableError) {
          expect(t.place.line).toBe(1);
          expect(t.kind).toBe("first-row-value");
        } else {
          expect(t.n).toBe(rows.length + 1);
          expect(t.header).toBeUndefined();
        }
      }), RUNS);
  });

  it("every NaN, infinity and missing spelling alone in the first row keeps the row count: the row is refused as a value", async () => {
    await fc.assert(fc.asyncProperty(dataRows, nonFiniteText, async (rows, token) => {
      const first = rows[0].map(() => token);
      const t = await outcome("x.csv", csv([first, ...rows.map((r) => r.map(String))]));
      expect(t).toBeInstanceOf(TableError);
      expect((t as TableError).place).toMatchObject({ line: 1, column: 1 });
    }), RUNS);
  });

  it("a first row of numbers only is data; column numbers 0, 1, … are flagged, other numbers are not", async () => {
    await fc.assert(fc.asyncProperty(dataRows, fc.boolean(), async (rows, columnNumbers) => {
      const width = rows[0].length;
      const first = columnNumbers ? Array.from({ length: width }, (_, j) => String(j)) : rows[0].map((v) => String(v + 1000));
      const t = await outcome("x.csv", csv([first, ...rows.map((r) => r.map(String))])) as Table;
      expect(t.n).toBe(rows.length + 1);
      expect(t.lines!.columnNumbersLine).toBe(columnNumbers ? 1 : undefined);
      expect(Array.from(t.values.subarray(0, width))).toEqual(first.map(Number));
    }), RUNS);
  });

  it("a first row of names only is the header: every data row is kept", async () => {
    await fc.assert(fc.asyncProperty(dataRows, fc.array(name, { minLength: 4, maxLength: 4 }), async (rows, names) => {
      const header = names.slice(0, rows[0].length);
      const t = await outcome("x.csv", csv([header, ...rows.map((r) => r.map(String))])) as Table;
      expect(t.header).toEqual(header.map((h) => h.trim()));
      expect(t.n).toBe(rows.length);
      expect(t.lines).toMatchObject({ headerLine: 1, lines: rows.length + 1 });
    }), RUNS);
  });

  it("--header drops exactly the first row and --no-header keeps it, whatever it holds", async () => {
    await fc.assert(fc.asyncProperty(dataRows, fc.oneof(name, numberText), async (rows, token) => {
      const width = rows[0].length;
      const body = rows.map((r) => r.map(String));
      const asHeader = await outcome("x.csv", csv([Array(width).fill(token), ...body]), { header: true }) as Table;
      expect(asHeader.n).toBe(rows.length);
      expect(Array.from(asHeader.values)).toEqual(rows.flat());
      const asData = await outcome("x.csv", csv([rows[0].map(String), ...body]), { header: false }) as Table;
      expect(asData.n).toBe(rows.length + 1);
    }), RUNS);
  });
});

describe("the form of the text never changes the table", () => {
  const form = fc.record({
    bom: fc.boolean(),
    eol: fc.constantFrom("\n", "\r\n", "\r"),
    quote: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
    blankAfter: fc.array(fc.nat(2), { minLength: 16, maxLength: 16 }),
    header: fc.option(fc.array(fc.oneof(name, name.map((n) => `${n},\n${n}`)), { minLength: 4, maxLength: 4 }), { nil: undefined }),
    delimiter: fc.constantFrom(",", "\t"),
  });

  it("BOM, CRLF / CR line ends, quoted fields (with delimiters and line breaks in them), blank lines: same values, and lines add up", async () => {
    await fc.assert(fc.asyncProperty(dataRows, form, async (rows, f) => {
      const width = rows[0].length;
      let q = 0;
      const field = (text: string) => (f.quote[q++ % 64] || /[,\t\n"]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
      const lines: string[] = [];
      let physical = 0;
      if (f.header) {
        const header = f.header.slice(0, width);
        lines.push(header.map(field).join(f.delimiter));
        physical += 1 + header.filter((h) => h.includes("\n")).length;
      }
      rows.forEach((r, i) => {
        lines.push(r.map((v) => field(String(v))).join(f.delimiter));
        physical++;
        for (let b = 0; b < f.blankAfter[i % 16]; b++) lines.push(b % 2 ? "" : "  ");
        physical += f.blankAfter[i % 16];
      });
      const text = (f.bom ? "\ufeff" : "") + lines.join(f.eol) + f.eol;
      const ext = f.delimiter === "," ? "csv" : "tsv";
      const t = await outcome(`x.${ext}`, text);
      expect(t).not.toBeInstanceOf(TableError);
      const table = t as Table;
      expect(table.n).toBe(rows.length);
      expect(Array.from(table.values)).toEqual(rows.flat());
      expect(table.lines!.lines).toBe(physical);
      expect(table.n + table.lines!.blank + table.lines!.continued + (table.lines!.headerLine ? 1 : 0)).toBe(physical);
    }), RUNS);
  });
});

describe("the CLI's reader and the page's agree on every generated file", () => {
  const cell = fc.oneof({ weight: 6, arbitrary: value.map(String) }, { weight: 1, arbitrary: numericLooking }, { weight: 1, arbitrary: name });
  it("the same table, or the same refusal", async () => {
    let i = 0;
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }).chain((w) => fc.array(fc.array(cell, { minLength: w, maxLength: w + (w > 1 ? 0 : 1) }), { minLength: 1, maxLength: 8 })),
      fc.constantFrom<string | null>(null, "last", "0"),
      async (rows, label) => {
        const file = tmp.write(`agree-${i++}.csv`, csv(rows));
        const bytes = new TextEncoder().encode(csv(rows));
        const cli = await readInCli(file, label).then((t) => t, (e: Error) => e);
        const page = await readInPage("agree.csv", bytes.buffer, label).then((t) => t, (e: Error) => e);
        if (cli instanceof Error) {
          expect(page).toBeInstanceOf(Error);
          const advice = / \(line 1 was read as data: give --header if it names the columns\)$/;
          expect(cli.message.replace(advice, "")).toBe(`${file}: ${(page as Error).message}`);
        } else {
          expect(page).not.toBeInstanceOf(Error);
          expect((page as Table).n).toBe(cli.n);
          expect(Array.from((page as Table).values)).toEqual(Array.from(cli.values));
          expect((page as Table).labels).toEqual(cli.labels);
        }
      }), { numRuns: 60, seed: 20261 });
  });
});
