import { afterAll, describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { readdirSync, readFileSync, symlinkSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { describeRows, readLabels, readTable } from "../../dist/cli/read.js";
import { npyFile, tempDir } from "./files.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const ROWS = [
  [1, 2.5, -3],
  [4, 5, 6e-3],
  [7, 8, 9],
];
const FLAT = ROWS.flat();

function expectTable(t: { values: Float32Array; n: number; dim: number }, values: number[], n: number, dim: number) {
  expect(t.n).toBe(n);
  expect(t.dim).toBe(dim);
  expect(Array.from(t.values)).toEqual(Array.from(Float32Array.from(values)));
}

describe("text readers", () => {
  it("reads a CSV without a header", async () => {
    const file = tmp.write("plain.csv", ROWS.map((r) => r.join(",")).join("\n") + "\n");
    const t = await readTable(file);
    expectTable(t, FLAT, 3, 3);
    expect(t.header).toBeUndefined();
    expect(t.labels).toBeUndefined();
  });

  it("detects a header row, allows CRLF, blank lines, spaces and quotes", async () => {
    // RFC 4180 (the parser's rule): a quote opens a quoted field only as the field's first character
    const text = 'a,"b, quoted", c \r\n' + ROWS.map((r) => r.map((v) => ` ${v} `).join(",")).join("\r\n\r\n") + "\r\n";
    const t = await readTable(tmp.write("header.csv", text));
    expectTable(t, FLAT, 3, 3);
    expect(t.header).toEqual(["a", "b, quoted", "c"]);
  });

  it("reads a TSV", async () => {
    const t = await readTable(tmp.write("x.tsv", ROWS.map((r) => r.join("\t")).join("\n")));
    expectTable(t, FLAT, 3, 3);
  });

  it("reads gzipped CSV and TSV", async () => {
    const csv = await readTable(tmp.write("x.csv.gz", gzipSync(ROWS.map((r) => r.join(",")).join("\n"))));
    expectTable(csv, FLAT, 3, 3);
    const tsv = await readTable(tmp.write("x.tsv.gz", gzipSync("u\tv\tw\n" + ROWS.map((r) => r.join("\t")).join("\n"))));
    expectTable(tsv, FLAT, 3, 3);
  });

  it("takes a label column by name, index or last, and leaves the features", async () => {
    const text = "x,kind,y\n1,cat,2\n3,dog,4\n5,cat,6\n";
    const file = tmp.write("labelled.csv", text);
    for (const column of ["kind", "1", 1]) {
      const t = await readTable(file, column);
      expectTable(t, [1, 2, 3, 4, 5, 6], 3, 2);
      expect(t.labels).toEqual(["cat", "dog", "cat"]);
    }
    // Non-numeric labels in the last column of a file without a header: the first row is still data.
    const t = await readTable(tmp.write("last.csv", "1,2,cat\n3,4,dog\n"), "last");
    expectTable(t, [1, 2, 3, 4], 2, 2);
    expect(t.labels).toEqual(["cat", "dog"]);
  });
});

describe("JSON reader", () => {
  it("reads an array of rows, with an optional label column", async () => {
    expectTable(await readTable(tmp.write("x.json", JSON.stringify(ROWS))), FLAT, 3, 3);
    const t = await readTable(tmp.write("l.json", JSON.stringify([[1, 2, "a"], [3, 4, "b"]])), "last");
    expectTable(t, [1, 2, 3, 4], 2, 2);
    expect(t.labels).toEqual(["a", "b"]);
  });
});

describe("npy reader", () => {
  it("reads float32, float64 and integer dtypes", async () => {
    const cases: [string, ArrayBufferView][] = [
      ["<f4", Float32Array.from(FLAT)],
      ["<f8", Float64Array.from(FLAT)],
    ];
    for (const [descr, data] of cases) expectTable(await readTable(tmp.write(`x${descr.slice(1)}.npy`, npyFile(descr, data, [3, 3]))), FLAT, 3, 3);
    const ints = [1, -2, 3, 400, 5, 6];
    const intCases: [string, ArrayBufferView][] = [
      ["<i4", Int32Array.from(ints)],
      ["<i8", BigInt64Array.from(ints.map(BigInt))],
      ["<i2", Int16Array.from(ints)],
      ["|u1", Uint8Array.from(ints.map((v) => Math.abs(v) % 256))],
    ];
    for (const [descr, data] of intCases) {
      const t = await readTable(tmp.write(`x${descr.slice(1)}.npy`, npyFile(descr, data, [2, 3])));
      const expected = descr === "|u1" ? ints.map((v) => Math.abs(v) % 256) : ints;
      expectTable(t, expected, 2, 3);
    }
  });

  it("takes the last column as labels", async () => {
    const t = await readTable(tmp.write("lab.npy", npyFile("<i4", Int32Array.from([1, 2, 7, 3, 4, 8]), [2, 3])), "last");
    expectTable(t, [1, 2, 3, 4], 2, 2);
    expect(t.labels).toEqual(["7", "8"]);
  });
});

describe("JSONL line ends", () => {
  it("a row a line whether lines end in LF, CR LF or a lone CR", async () => {
    const rows = ROWS.map((r, i) => JSON.stringify({ id: i, v: r }));
    for (const [name, end] of [["lf", "\n"], ["crlf", "\r\n"], ["cr", "\r"]]) {
      const t = await readTable(tmp.write(`${name}.jsonl`, rows.join(end) + end));
      expectTable(t, FLAT, 3, 3);
    }
  });
});

describe("label files", () => {
  it("reads one label per line and .npy integer labels", async () => {
    expect(await readLabels(tmp.write("labels.txt", "a\nb\r\nc\n\n"), 3)).toEqual(["a", "b", "c"]);
    // old Mac line ends (a lone CR): a label a line, not one label of the whole file
    expect(await readLabels(tmp.write("labels-cr.txt", "a\rb\rc\r"), 3)).toEqual(["a", "b", "c"]);
    expect(await readLabels(tmp.write("labels.npy", npyFile("<i8", BigInt64Array.from([3n, 1n, 2n]), [3])), 3)).toEqual(["3", "1", "2"]);
  });
});

describe("bad input names the file, the place and the problem", () => {
  const cases: [string, string | Uint8Array, RegExp, (string | number)?][] = [
    ["ragged.csv", "1,2,3\n4,5,6\n7,8\n", /ragged\.csv: line 3: ragged row: 2 fields, expected 3 \(as in line 1\)/],
    ["ragged-header.csv", "a,b\n1,2\n\n3,4,5\n", /ragged-header\.csv: line 4: ragged row: 3 fields, expected 2/],
    ["word.csv", "a,b\n1,2\n3,x\n", /word\.csv: line 3, column 2: "x" is not a number/],
    ["nan.tsv", "1\t2\n3\tNaN\n", /nan\.tsv: line 2, column 2: NaN value/],
    ["inf.csv", "1,2\n3,Infinity\n", /inf\.csv: line 2, column 2: Infinity is infinite/],
    ["big.csv", "1,2\n3,1e300\n", /big\.csv: line 2, column 2: 1e300 is infinite or outside the float32 range/],
    ["empty-cell.csv", "1,2\n3,\n", /empty-cell\.csv: line 2, column 2: empty cell/],
    ["empty.csv", "\n\n", /empty\.csv: no data rows/],
    ["only-header.csv", "a,b\n", /only-header\.csv: no data rows/],
    ["no-col.csv", "a,b\n1,2\n", /no-col\.csv: no column named "c" in the header \("a", "b"\)/, "c"],
    ["no-header-name.csv", "1,2\n3,4\n", /no-header-name\.csv: label column "c" is a name, but the file has no header row/, "c"],
    ["index.csv", "1,2\n3,4\n", /index\.csv: label column 5 does not exist: rows have 2 columns/, "5"],
    ["bad.csv.gz", "not gzip", /bad\.csv\.gz: not a valid gzip file/],
    ["syntax.json", '[[1, 2],\n [3, 4]\n [5, 6]]', /syntax\.json: line 3: invalid JSON/],
    ["ragged.json", "[[1,2],[3]]", /ragged\.json: row 1 \(0-based\): ragged row: 1 values, expected 2/],
    ["null.json", "[[1,2],[3,null]]", /null\.json: row 1, column 1 \(0-based\): null is not a number/],
    ["object.json", '{"a": 1}', /object\.json: expected an array of rows/],
    ["data.txt", "1,2\n", /data\.txt: unknown input format \(expected \.npy, \.csv/],
    ["nan.npy", npyFile("<f8", Float64Array.from([1, 2, 3, NaN]), [2, 2]), /nan\.npy: row 1, column 1 \(0-based\): NaN value/],
    ["inf.npy", npyFile("<f4", Float32Array.from([1, -Infinity]), [1, 2]), /inf\.npy: row 0, column 1 \(0-based\): -Infinity is infinite/],
    ["oned.npy", npyFile("<f4", Float32Array.from([1, 2]), [2]), /oned\.npy: expected a 2-D array, got shape \(2\)/],
    ["fortran.npy", npyFile("<f4", Float32Array.from([1, 2, 3, 4]), [2, 2], true), /fortran\.npy: Fortran-order arrays are not supported/],
    ["short.npy", npyFile("<f4", Float32Array.from([1, 2, 3]), [2, 2]), /short\.npy: truncated: shape \(2, 2\) needs 4 values, the file holds 3/],
    ["text.npy", "hello, not npy", /text\.npy: not a valid \.npy file/],
    ["bigendian.npy", npyFile(">f4", Float32Array.from([1, 2]), [1, 2]), /bigendian\.npy: unsupported dtype/],
  ];
  for (const [name, content, message, labelColumn] of cases) {
    it(name, async () => {
      const file = tmp.write(name, content);
      await expect(readTable(file, labelColumn)).rejects.toThrow(message);
      await expect(readTable(file, labelColumn)).rejects.toMatchObject({ name: "CliError" });
    });
  }

  it("a missing file or a directory", async () => {
    await expect(readTable(tmp.path("missing.csv"))).rejects.toThrow(/missing\.csv: cannot read: no such file or directory/);
    await expect(readTable(tmp.dir + "/sub.csv")).rejects.toThrow(/sub\.csv: cannot read: no such file/);
  });

  it("labels: wrong count, empty line, wrong shape", async () => {
    await expect(readLabels(tmp.write("few.txt", "a\nb\n"), 3)).rejects.toThrow(/few\.txt: 2 labels, but the data has 3 rows/);
    await expect(readLabels(tmp.write("gap.txt", "a\n\nc\n"), 3)).rejects.toThrow(/gap\.txt: line 2: empty label/);
    await expect(readLabels(tmp.write("l2d.npy", npyFile("<i4", Int32Array.from([1, 2, 3, 4]), [2, 2])), 2)).rejects.toThrow(/l2d\.npy: labels must be a 1-D array, got shape \(2, 2\)/);
  });
});

describe("bounds on what is read", () => {
  it("a size bound, named with its flag, before and after gunzip", async () => {
    const file = tmp.write("sized.csv", "1,2\n3,4\n5,6\n");
    await expect(readTable(file, undefined, { maxInputBytes: 8 })).rejects.toThrow(/sized\.csv: 12 bytes, more than --max-input-bytes 8: raise --max-input-bytes to read it/);
    expect((await readTable(file, undefined, { maxInputBytes: 12 })).n).toBe(3);
    // a small gzip of a large text: stopped at the bound, not after decompressing it all
    const bomb = tmp.write("bomb.csv.gz", gzipSync("1,2\n".repeat(1 << 20)));
    await expect(readTable(bomb, undefined, { maxInputBytes: 100_000 })).rejects.toThrow(/bomb\.csv\.gz: decompresses to more than 100000 bytes, the bound on input size \(--max-input-bytes 100000: raise it/);
  });

  it("devices and FIFOs are refused unread", async () => {
    symlinkSync("/dev/zero", tmp.path("zero.csv"));
    await expect(readTable(tmp.path("zero.csv"))).rejects.toThrow(/zero\.csv: cannot read: a character device, not a regular file/);
    expect(spawnSync("mkfifo", [tmp.path("pipe.csv")]).status).toBe(0);
    await expect(readTable(tmp.path("pipe.csv"))).rejects.toThrow(/pipe\.csv: cannot read: a FIFO \(named pipe\), not a regular file/);
  });

  it("a large file with too few lines for the fit is refused before it is parsed", async () => {
    const line = Array.from({ length: 400_000 }, (_, i) => i % 97).join(",") + "\n"; // 1.1 MB, one line
    const file = tmp.write("one-line.csv", line);
    await expect(readTable(file, undefined, { minRows: { rows: 16, k: 15 } })).rejects.toThrow(/one-line\.csv: n ≤ 1 \(the file has 1 line\) is too small for --k = 15: need n > --k/);
    // CRLF, CR and a last line without a break are counted as the parser counts them
    const three = tmp.write("three.csv", line.replace("\n", "\r\n") + line.replace("\n", "\r") + line.trimEnd());
    await expect(readTable(three, undefined, { minRows: { rows: 16, k: 15 } })).rejects.toThrow(/n ≤ 3 \(the file has 3 lines\)/);
    expect((await readTable(three)).n).toBe(3);
  });
});

describe("rows against lines", () => {
  it("says why a text table has fewer rows than lines, and nothing when it has as many", async () => {
    const t = await readTable(tmp.write("why.csv", 'x,"y\ny",z\n1,2,3\n\n4,5,6\n  \n'));
    expect(describeRows("why.csv", t)).toBe("2 rows from the 6 lines of why.csv: line 1 is a header, 2 blank lines, 1 line break inside quoted fields");
    expect(describeRows("plain.csv", await readTable(tmp.write("plain2.csv", "1,2\n3,4\n")))).toBe("");
  });
});

describe("the shared reader and plot are pure", () => {
  it("bindings/io and bindings/plot import nothing from Node (the explorer page bundles them)", () => {
    for (const folder of ["io", "plot"]) {
      const dir = new URL(`../../bindings/${folder}/`, import.meta.url);
      const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
      expect(files.length).toBeGreaterThan(1);
      for (const f of files) {
        const imports = [...readFileSync(new URL(f, dir), "utf8").matchAll(/(?:from |import\()"([^"]+)"/g)].map((m) => m[1]);
        for (const source of imports) expect(source, `${folder}/${f}`).toMatch(/^(\.\/[\w-]+\.ts|\.\.\/knn\/neighbors\.ts|npyjs|d3-dsv|apache-arrow|parquet-wasm\/esm)$/);
      }
    }
    // the one rule of neighbour lists, shared with the API, which the readers use: it imports only the API's errors
    const shared = readFileSync(new URL("../../bindings/knn/neighbors.ts", import.meta.url), "utf8");
    expect([...shared.matchAll(/(?:from |import\()"([^"]+)"/g)].map((m) => m[1])).toEqual(["../errors.ts"]);
    expect(readFileSync(new URL("../../bindings/errors.ts", import.meta.url), "utf8")).not.toMatch(/from "/);
  });
});
