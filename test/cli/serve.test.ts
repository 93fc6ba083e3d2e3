import { describe, expect, it } from "vitest";
import { request } from "node:http";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Table } from "apache-arrow";
import { runCli, tempDir } from "./files.ts";
import { rawRequest, serve as serveProcess } from "./serve-process.ts";
import { D, listVector, metadataColumns, N, parquetOf, points } from "../io-files.ts";
import { readTable as readInPage } from "../../explorer/src/parse.ts";
import { setParquetWasm } from "../../bindings/io/parquet-source.ts";

setParquetWasm(() => readFileSync(createRequire(import.meta.url).resolve("parquet-wasm/esm/parquet_wasm_bg.wasm")));

/** Starts `cne serve` and resolves with the page's URL once it prints where it listens. */
async function serve(args: string[]): Promise<{ url: string; stop: () => void }> {
  const served = await serveProcess(args);
  return { url: `${served.origin}/explorer/`, stop: served.stop };
}

/** GET of a whole response body, counting its bytes without keeping them. */
function download(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => resolve(bytes));
      res.on("error", reject);
    }).on("error", reject).end();
  });
}

describe("cne serve", () => {
  it("serves the page on loopback with COOP/COEP, the digits, and nothing outside its files", async () => {
    const { url, stop } = await serve([]);
    try {
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get("cross-origin-opener-policy")).toBe("same-origin");
      expect(page.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
      expect(await page.text()).toContain('<script type="module" src="main.js">');
      for (const file of ["main.js", "compute.js", "worker.js"]) expect((await fetch(url + file)).status, file).toBe(200);
      const start = await (await fetch(new URL("/start.json", url))).json();
      expect(start).toEqual({ name: "digits.csv.gz", url: "/data/digits.csv.gz", labelColumn: "last", vectorColumn: null });
      expect((await fetch(new URL("/data/digits.csv.gz", url))).status).toBe(200);
      expect((await fetch(url + "..%2f..%2fpackage.json")).status).toBe(404);
    } finally {
      stop();
    }
  });

  it("--no-isolation leaves the headers out", async () => {
    const { url, stop } = await serve(["--no-isolation"]);
    try {
      const page = await fetch(url);
      expect(page.headers.get("cross-origin-embedder-policy")).toBeNull();
    } finally {
      stop();
    }
  });

  it("answers malformed URLs with 400 and keeps serving", async () => {
    const served = await serveProcess([]);
    try {
      for (const target of ["/%ZZ", "/%", "/%C0%AE", "/explorer/%E0%A4%A", "/file/%00", "/explorer/%ED%A0%80"]) {
        expect(await rawRequest(served.port, "GET", target, `127.0.0.1:${served.port}`), target).toBe(400);
      }
      expect((await fetch(`${served.origin}/start.json`)).status).toBe(200);
    } finally {
      served.stop();
    }
  });

  it("answers only requests whose Host names a loopback address and its port (DNS rebinding)", async () => {
    const served = await serveProcess([]);
    try {
      const { port } = served;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
        expect(await rawRequest(port, "GET", "/start.json", host), host).toBe(200);
      }
      for (const host of [`attacker.example:${port}`, "127.0.0.1", `127.0.0.1:${port + 1}`, `localhost.attacker.example:${port}`, ""]) {
        expect(await rawRequest(port, "GET", "/start.json", host), host).toBe(421);
      }
      expect(await rawRequest(port, "POST", "/start.json", `127.0.0.1:${port}`)).toBe(405);
    } finally {
      served.stop();
    }
  });

  it("gives each file its content type and the isolation headers", async () => {
    const { url, stop } = await serve([]);
    try {
      const types: Record<string, string> = { "": "text/html", "main.js": "text/javascript", "worker.js": "text/javascript" };
      for (const [file, type] of Object.entries(types)) {
        const res = await fetch(url + file);
        expect(res.headers.get("content-type"), file).toMatch(new RegExp(`^${type}`));
        expect(res.headers.get("cross-origin-embedder-policy"), file).toBe("require-corp");
        expect(res.headers.get("cross-origin-opener-policy"), file).toBe("same-origin");
      }
      const digits = await fetch(new URL("/data/digits.csv.gz", url));
      expect(digits.headers.get("content-type")).toBe("application/octet-stream");
      expect(digits.headers.get("content-encoding")).toBeNull(); // the page gunzips it itself
      expect(digits.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    } finally {
      stop();
    }
  });

  it("streams the file: 20 concurrent GETs of a 20 MB file keep the server's memory flat", async () => {
    const files = tempDir();
    const big = files.write("big.csv", new Uint8Array(20 * 1024 * 1024).fill(0x31));
    const served = await serveProcess([big]);
    try {
      const before = served.memory().rss;
      const sizes = await Promise.all(Array.from({ length: 20 }, () => download(`${served.origin}/file/big.csv`)));
      expect(sizes.every((size) => size === 20 * 1024 * 1024)).toBe(true);
      // reading the file whole per request holds 20 × 20 MB at once (~400 MB more); streaming, a few MB each
      expect(served.memory().peak - before).toBeLessThan(150);
    } finally {
      served.stop();
      files.remove();
    }
  });

  it("--vector-column and --label-column: start.json names them, and the page's reader opens the served table with them", async () => {
    const files = tempDir();
    const small = Float32Array.from({ length: N * 3 }, (_, i) => (i * 7) % 5);
    const table = new Table({ ...metadataColumns(), embedding: listVector(points(), N, D), small: listVector(small, N, 3) });
    const file = files.write("two vectors.parquet", parquetOf(table));
    const served = await serveProcess([file, "--vector-column", "small", "--label-column", "name"]);
    try {
      const start = await (await fetch(`${served.origin}/start.json`)).json();
      expect(start).toEqual({ name: "two vectors.parquet", url: "/file/two%20vectors.parquet", labelColumn: "name", vectorColumn: "small" });
      // what the page does with it (explorer/src/main.ts): fetch the file, read it with the columns named
      const bytes = await (await fetch(served.origin + start.url)).arrayBuffer();
      const read = await readInPage(start.name, bytes.slice(0), start.labelColumn, start.vectorColumn);
      expect([read.n, read.dim]).toEqual([N, 3]);
      expect(read.values).toEqual(small);
      expect(read.labels![4]).toBe("point 4 (b)");
      expect(read.metadata!.schema.fields.map((f) => f.name)).toEqual(["id", "name", "embedding"]);
      // unnamed, two list columns are a choice the reader asks for
      await expect(readInPage(start.name, bytes.slice(0), start.labelColumn, null)).rejects.toThrow(/2 list columns of numbers \("embedding", "small"\): name the vector/);
    } finally {
      served.stop();
      files.remove();
    }
  });

  it("--vector-column on a text file (or the digits) is refused at start, in one line", () => {
    const files = tempDir();
    try {
      const csv = files.write("data.csv", "1,2\n3,4\n");
      for (const [args, file] of [[[csv], "data.csv"], [[], "the bundled digits"]] as const) {
        const result = runCli(["serve", ...args, "--vector-column", "v", "--port", "0"]);
        expect(result.status).toBe(1);
        const shown = file === "data.csv" ? `${csv}` : file;
        expect(result.stderr).toBe(`cne: ${shown}: --vector-column applies to Parquet, Arrow and JSONL tables, not to .csv\n`);
      }
    } finally {
      files.remove();
    }
  });

  it("a missing file is one line with exit code 1", () => {
    const result = runCli(["serve", "missing.csv", "--port", "0"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^cne: missing\.csv: cannot read: no such file or directory\n$/);
  });
});
