// The explorer page in real headless Chromium, served by `cne serve`'s own server: the bundled digits load and
// embed on threads when cross-origin isolated, the canvas is drawn, the s slider moves the layout, a dropped
// CSV with a NaN shows the reader's error in the page (the same words as the CLI's), a Parquet file opens (its
// libraries loaded only then), a Parquet file with two list columns asks for the vector and downloads as Parquet and
// Arrow with its other columns, and without COOP/COEP it still works on one thread.
// Screenshots go to test-results/explorer/ (git-ignored).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { startExplorerServer, type ExplorerServer } from "../../dist/cli/serve.js";
import { npyFile } from "../cli/files.ts";
import { readFileSync } from "node:fs";
import { Table } from "apache-arrow";
import { D as TABLE_DIM, listTable, listVector, metadataColumns, N as TABLE_ROWS, parquetOf, points, readBack } from "../io-files.ts";
import { launchChromium } from "./chromium.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const shots = join(root, "test-results", "explorer");

interface ExplorerState {
  status: string;
  name: string;
  opened: number;
  n: number;
  s: number;
  zBar: number;
  layouts: number;
  build: string;
  threads: number;
  fallback: string;
  crossOriginIsolated: boolean;
  error: string;
}

let browser: Browser;
beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const state = (page: Page) => page.evaluate(() => (window as unknown as { explorer: { state: ExplorerState } }).explorer.state);

/**
 * Waits until the page shows a layout of its `opened`-th file (at `s`, when given) and is idle, or shows an
 * error. Counting layouts is not enough: an action's request may not have reached the page yet (the digits
 * button fetches first), and the page is idle with the previous file meanwhile.
 */
async function waitForLayout(page: Page, want: { opened: number; s?: number }): Promise<void> {
  await page.waitForFunction(
    (w) => {
      const s = (window as unknown as { explorer?: { state: ExplorerState } }).explorer?.state;
      return s !== undefined && s.opened === w.opened && (s.error !== "" || (s.status === "ready" && (w.s === undefined || s.s === w.s)));
    },
    want,
    { timeout: 90000 },
  );
}

/** Canvas pixels that are not the white background. */
function paintedPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.getElementById("plot") as HTMLCanvasElement;
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] !== 255 || data[i + 1] !== 255 || data[i + 2] !== 255) painted++;
    return painted;
  });
}

async function openPage(isolation: boolean): Promise<{ page: Page; server: ExplorerServer; problems: string[]; close: () => Promise<void> }> {
  const server = await startExplorerServer({ port: 0, isolation });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  await page.goto(`${server.origin}/`, { timeout: 30000 });
  return { page, server, problems, close: async () => { await context.close(); await server.close(); } };
}

describe("the explorer page (cne serve)", () => {
  it("cross-origin isolated: digits embed on threads, the slider moves the points, a NaN file shows an error", async () => {
    const { page, problems, close } = await openPage(true);
    try {
      await waitForLayout(page, { opened: 1 });
      let s = await state(page);
      expect(s.error).toBe("");
      expect(s.n).toBe(1797);
      expect(s.crossOriginIsolated).toBe(true);
      expect([s.build, s.threads]).toEqual(["threads", 2]);
      expect(s.fallback).toBe("");
      await expect.poll(() => paintedPixels(page), { timeout: 10000 }).toBeGreaterThan(3000); // drawn on the next frame
      await page.screenshot({ path: join(shots, "isolated-digits-s0.png") });
      const before = await page.evaluate(() => Array.from((window as unknown as { explorer: { layout(): Float32Array } }).explorer.layout()));

      // move the slider to the UMAP end: a new layout, warm-started and aligned (fill sets the value and fires
      // input and change, as the end of a drag does)
      await page.locator("#s").fill("1");
      await waitForLayout(page, { opened: 1, s: 1 });
      s = await state(page);
      expect([s.error, s.s, s.layouts]).toEqual(["", 1, 2]);
      const after = await page.evaluate(() => Array.from((window as unknown as { explorer: { layout(): Float32Array } }).explorer.layout()));
      expect(after).toHaveLength(before.length);
      let moved = 0;
      for (let i = 0; i < before.length; i += 2) if (Math.hypot(after[i] - before[i], after[i + 1] - before[i + 1]) > 0.05) moved++;
      expect(moved).toBeGreaterThan(0.5 * s.n);
      // the label shows the Z̄ the fit used: UMAP's n(n − 1)/5 at s = 1, whatever the number of negatives
      expect(s.zBar).toBeCloseTo((1797 * 1796) / 5, 3);
      expect(await page.locator("#s-value").textContent()).toBe(`s = 1.00 · Z̄ = ${((1797 * 1796) / 5).toExponential(2)}`);
      await page.waitForTimeout(900); // the glide
      await page.screenshot({ path: join(shots, "isolated-digits-s1.png") });

      // hover names a row
      const box = (await page.locator("#plot").boundingBox())!;
      let named = false;
      for (let t = 0; t < 400 && !named; t++) {
        await page.mouse.move(box.x + ((t * 37) % box.width), box.y + ((t * 53) % box.height));
        named = await page.locator("#tooltip").isVisible();
      }
      expect(named).toBe(true);
      expect(await page.locator("#tooltip").textContent()).toMatch(/^row \d+ · \d$/);

      // a dropped CSV with a NaN: a clear message in the page, nothing crashes
      await page.evaluate(() => {
        const transfer = new DataTransfer();
        const rows = Array.from({ length: 40 }, (_, i) => (i === 1 ? "4,NaN,6" : `${i},${(i * 7) % 11},${i % 3}`));
        transfer.items.add(new File([rows.join("\n") + "\n"], "broken.csv", { type: "text/csv" }));
        document.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
      });
      await page.waitForFunction(() => {
        const s = (window as unknown as { explorer: { state: ExplorerState } }).explorer.state;
        return s.opened === 2 && s.error !== "";
      }, null, { timeout: 30000 });
      expect(await page.locator("#error").isVisible()).toBe(true);
      // the page's reader is the CLI's: it refuses a NaN where it stands (before, the page passed NaN on to the library)
      expect(await page.locator("#error").textContent()).toMatch(/broken\.csv: line 2, column 2: NaN value/);
      await page.screenshot({ path: join(shots, "isolated-nan-error.png") });
      expect(problems).toEqual([]);

      // the page still works: an .npy by the file picker, then the digits again
      const rows = 60, dim = 4;
      const values = new Float32Array(rows * dim).map((_, i) => Math.sin(i * 0.7) + (Math.floor(i / dim) % 3) * 5);
      await page.locator("#file").setInputFiles({ name: "points.npy", mimeType: "application/octet-stream", buffer: Buffer.from(npyFile("<f4", values, [rows, dim])) });
      await waitForLayout(page, { opened: 3 });
      s = await state(page);
      expect([s.error, s.name, s.n]).toEqual(["", "points.npy", rows]);
      // a Parquet file: the table libraries and the Parquet wasm load now, from their own chunks
      await page.locator("#file").setInputFiles({ name: "points.parquet", mimeType: "application/octet-stream", buffer: Buffer.from(parquetOf(listTable())) });
      await waitForLayout(page, { opened: 4 });
      s = await state(page);
      expect([s.error, s.name, s.n]).toEqual(["", "points.parquet", TABLE_ROWS]);
      expect(problems).toEqual([]);
      await page.locator("#digits").click();
      await waitForLayout(page, { opened: 5 });
      s = await state(page);
      expect([s.error, s.name, s.n]).toEqual(["", "digits.csv.gz", 1797]);
    } finally {
      await close();
    }
  });

  it("a Parquet file with two list columns: the page asks which is the vector, embeds it, downloads Parquet and Arrow with the other columns", async () => {
    const { page, problems, close } = await openPage(true);
    try {
      await waitForLayout(page, { opened: 1 });
      const a = points(), b = points().reverse();
      const two = new Table({ ...metadataColumns(), a: listVector(a, TABLE_ROWS, TABLE_DIM), b: listVector(b, TABLE_ROWS, TABLE_DIM) });
      await page.locator("#file").setInputFiles({ name: "two.parquet", mimeType: "application/octet-stream", buffer: Buffer.from(parquetOf(two)) });
      await waitForLayout(page, { opened: 2 });
      // the reader refuses to guess; the page offers both columns instead of naming a flag
      expect((await state(page)).error).toBe('two.parquet: 2 list columns of numbers ("a", "b"): choose the vector column');
      expect(await page.locator("#vector-choice").isVisible()).toBe(true);
      expect(await page.locator("#vector-column option").allTextContents()).toEqual(["choose…", "a", "b"]);
      await page.locator("#vector-column").selectOption("b");
      await waitForLayout(page, { opened: 3 });
      const s = await state(page);
      expect([s.error, s.name, s.n]).toEqual(["", "two.parquet", TABLE_ROWS]);
      expect(await page.locator("#vector-column").inputValue()).toBe("b");
      await page.screenshot({ path: join(shots, "two-list-columns.png") });
      const layout = await page.evaluate(() => Array.from((window as unknown as { explorer: { layout(): Float32Array } }).explorer.layout()));
      for (const format of ["parquet", "arrow"]) {
        const [download] = await Promise.all([page.waitForEvent("download"), page.locator(`#save-${format}`).click()]);
        expect(download.suggestedFilename()).toBe(`two-s0.${format}`);
        const table = readBack(new Uint8Array(readFileSync((await download.path())!)), format === "parquet");
        // the file's other columns (the list column not chosen among them), then the layout shown
        expect(table.schema.fields.map((f) => `${f.name}: ${f.type}`)).toEqual(["id: Int32", "name: Utf8", `a: List<Float32>`, "x: Float32", "y: Float32"]);
        expect(table.numRows).toBe(TABLE_ROWS);
        expect(table.getChild("name")!.get(7)).toBe("point 7 (b)");
        expect(Array.from(table.getChild("a")!.get(2)!.toArray() as Float32Array)).toEqual(Array.from(a.subarray(2 * TABLE_DIM, 3 * TABLE_DIM)));
        const x = table.getChild("x")!.toArray() as Float32Array, y = table.getChild("y")!.toArray() as Float32Array;
        expect(Array.from({ length: 2 * TABLE_ROWS }, (_, i) => (i % 2 === 0 ? x[i >> 1] : y[i >> 1]))).toEqual(layout);
      }
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it("without COOP/COEP: one thread, says why in the status line, still embeds and draws", async () => {
    const { page, problems, close } = await openPage(false);
    try {
      await waitForLayout(page, { opened: 1 });
      const s = await state(page);
      expect(s.error).toBe("");
      expect(s.crossOriginIsolated).toBe(false);
      expect([s.build, s.threads]).toEqual(["simd", 1]);
      // the page says why it runs on one thread
      expect(s.fallback).toMatch(/^\d+ threads \(one per core, the default\) asked for, but the page is not cross-origin isolated: /);
      expect(await page.textContent("#status")).toMatch(/simd, 1 thread · [\d.]+ s \(the page is not cross-origin isolated: serve it with the headers Cross-Origin-Opener-Policy/);
      await expect.poll(() => paintedPixels(page), { timeout: 10000 }).toBeGreaterThan(3000); // drawn on the next frame
      await page.screenshot({ path: join(shots, "not-isolated-digits.png") });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
