import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { embeddingBytes, formatFloat32, writeEmbedding } from "../../dist/cli/write.js";
import { readTable } from "../../dist/cli/read.js";
import { tempDir } from "./files.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

// Values that are awkward in decimal, tiny, huge and negative: every writer must give them back bit for bit.
const n = 5;
const dim = 2;
const values = Float32Array.from([0.1, -2.5, 1 / 3, 1e-30, -3.4e38, 123456.789, Math.PI, -0, 7, 1e-7]);

describe("writers round-trip through the readers", () => {
  for (const ext of ["npy", "csv", "json"]) {
    it(ext, async () => {
      const file = tmp.path(`out.${ext}`);
      await writeEmbedding(file, values, n, dim);
      const t = await readTable(file);
      expect(t.n).toBe(n);
      expect(t.dim).toBe(dim);
      expect(Array.from(t.values).map((v) => v + 0)).toEqual(Array.from(values).map((v) => v + 0));
    });
  }

  it("the .npy header follows NPY 1.0: magic, version, aligned dict, float32 data", () => {
    const bytes = embeddingBytes("npy", values, n, dim);
    expect(Array.from(bytes.slice(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8] | (bytes[9] << 8);
    // npyjs (the writer) aligns the data to 8 bytes (numpy's own writer to 64; its reader takes either)
    expect((10 + headerLength) % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.slice(10, 10 + headerLength));
    expect(header).toMatch(/^\{'descr': ?'<f4', ?'fortran_order': ?False, ?'shape': ?\(5, ?2\),? ?\}\s*\n$/);
    expect(bytes.length).toBe(10 + headerLength + n * dim * 4);
    const data = new Float32Array(bytes.slice(10 + headerLength).buffer);
    expect(Array.from(data)).toEqual(Array.from(values));
  });

  it("CSV has one row per line and the shortest float32 text", async () => {
    const file = tmp.path("short.csv");
    await writeEmbedding(file, Float32Array.from([0.1, 2, -0.5, 1e-7]), 2, 2);
    expect(readFileSync(file, "utf8")).toBe("0.1,2\n-0.5,1e-7\n");
    expect(formatFloat32(Math.fround(1 / 3))).toBe("0.33333334");
  });

  it("an unknown extension or an unwritable path is one clear error", async () => {
    await expect(writeEmbedding(tmp.path("out.txt"), values, n, dim)).rejects.toThrow(/out\.txt: unknown output format \(expected \.npy, \.csv, \.json, \.parquet, \.arrow, \.arrows\)/);
    await expect(writeEmbedding(tmp.path("no/such/dir.npy"), values, n, dim)).rejects.toThrow(/dir\.npy: cannot write: no such file or directory/);
  });
});
