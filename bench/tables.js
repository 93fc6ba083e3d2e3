// Parquet against .npy for a table of n × d float32 vectors (default 100,000 × 768, the shape of sentence
// embeddings): write and read time and peak RSS, each in a fresh process, through the library's own readers
// (bindings/io: parquet-wasm a row group at a time; npyjs) and, for the choice of Parquet library, hyparquet's
// reader of the same file when it is installed (bench/node_modules, the root's, or the folder $HYPARQUET_DIR).
//   node bench/tables.js [--rows N] [--dim D] [--row-group R] [--skip-hyparquet]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { openAsBlob } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";

const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);

function peakMB() {
  const kb = Number(/VmHWM:\s+(\d+)\s*kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1]);
  return Math.round(kb / 1024);
}

async function child(task, file, n, d, rowGroup) {
  const io = await import("../dist/io/index.js");
  await import("../dist/cli/parquet-wasm.js");
  const started = performance.now();
  let check = 0;
  if (task === "write-npy" || task === "write-parquet") {
    const values = new Float32Array(n * d);
    for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 0.001);
    const t0 = performance.now();
    let bytes;
    if (task === "write-npy") bytes = io.tableBytes("npy", values, n, d);
    else {
      const { Table, makeData, makeVector, Field, List, Float32 } = await import("apache-arrow");
      const pw = await import("parquet-wasm/esm");
      await pw.default({ module_or_path: readFileSync(createRequire(import.meta.url).resolve("parquet-wasm/esm/parquet_wasm_bg.wasm")) });
      const child = makeData({ type: new Float32(), length: n * d, data: values, nullCount: 0 });
      const valueOffsets = Int32Array.from({ length: n + 1 }, (_, i) => i * d);
      const list = makeData({ type: new List(new Field("item", new Float32(), false)), length: n, valueOffsets, child, nullCount: 0 });
      const table = new Table({ embedding: makeVector(list) });
      const { tableToIPC } = await import("apache-arrow");
      bytes = pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(table, "stream")), new pw.WriterPropertiesBuilder().setMaxRowGroupSize(rowGroup).setCompression(pw.Compression.SNAPPY).build());
    }
    writeFileSync(file, bytes);
    return { ms: performance.now() - t0, peak: peakMB(), check: bytes.length };
  }
  if (task === "read-npy") {
    const table = await io.readTable(file, readFileSync(file));
    check = table.values[table.values.length - 1];
  } else if (task === "read-parquet") {
    const table = await io.readColumnar("parquet", await openAsBlob(file));
    check = table.values[table.values.length - 1];
  } else if (task === "read-hyparquet") {
    const { parquetRead } = await import(resolveHyparquet());
    const bytes = readFileSync(file);
    const out = new Float32Array(n * d);
    let at = 0;
    await parquetRead({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), columns: ["embedding"], onChunk: (c) => { for (const row of c.columnData) { out.set(row, at); at += row.length; } } });
    check = out[out.length - 1];
  }
  return { ms: performance.now() - started, peak: peakMB(), check };
}

function resolveHyparquet() {
  const extra = process.env.HYPARQUET_DIR ? [join(process.env.HYPARQUET_DIR, "package.json")] : [];
  for (const from of [...extra, new URL("./package.json", import.meta.url), new URL("../package.json", import.meta.url)]) {
    try {
      return createRequire(from).resolve("hyparquet");
    } catch { /* not here */ }
  }
  return undefined;
}

if (args[0] === "--child") {
  const [, task, file, n, d, rowGroup] = args;
  console.log(JSON.stringify(await child(task, file, Number(n), Number(d), Number(rowGroup))));
} else {
  const n = flag("--rows", 100000), d = flag("--dim", 768), rowGroup = flag("--row-group", 8192);
  const dir = mkdtempSync(join(tmpdir(), "cne-tables-"));
  const run = (task, file) => {
    const load = loadavg()[0];
    const out = JSON.parse(execFileSync(process.execPath, [new URL(import.meta.url).pathname, "--child", task, file, n, d, rowGroup], { encoding: "utf8", maxBuffer: 1 << 20 }).trim().split("\n").pop());
    return { task, ...out, load: `${load.toFixed(1)}–${loadavg()[0].toFixed(1)}` };
  };
  try {
    const npy = join(dir, "v.npy"), parquet = join(dir, "v.parquet");
    const rows = [run("write-npy", npy), run("write-parquet", parquet), run("read-npy", npy), run("read-parquet", parquet)];
    if (!args.includes("--skip-hyparquet") && resolveHyparquet()) rows.push(run("read-hyparquet", parquet));
    const sizes = { npy: statSync(npy).size, parquet: statSync(parquet).size };
    console.log(`${n} × ${d} float32 (a list column; Parquet Snappy, row groups of ${rowGroup}); .npy ${(sizes.npy / 2 ** 20).toFixed(0)} MiB, .parquet ${(sizes.parquet / 2 ** 20).toFixed(0)} MiB; node ${process.version}`);
    console.log("| task | s | peak RSS MB | load avg |\n|---|---|---|---|");
    for (const r of rows) console.log(`| ${r.task} | ${(r.ms / 1000).toFixed(2)} | ${r.peak} | ${r.load} |`);
    const byTask = Object.fromEntries(rows.map((r) => [r.task, r]));
    console.log(`Parquet/npy: write ${(byTask["write-parquet"].ms / byTask["write-npy"].ms).toFixed(2)}×, read ${(byTask["read-parquet"].ms / byTask["read-npy"].ms).toFixed(2)}×` + (byTask["read-hyparquet"] ? `; hyparquet/parquet-wasm read ${(byTask["read-hyparquet"].ms / byTask["read-parquet"].ms).toFixed(2)}×` : ""));
    if (rows.some((r) => r.task.startsWith("read") && r.check !== rows[2].check)) throw new Error("the readers disagree on the last value");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
