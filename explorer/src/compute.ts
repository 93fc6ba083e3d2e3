// The explorer's compute worker: reads the file, fits the first layout and then walks along s on request,
// each layout warm-started from the current one and aligned to it (createSpectrumWalk). The library runs its
// own threads from here when the page is cross-origin isolated. Nothing here blocks the page.

import { coreInfo, createSpectrumWalk, type SpectrumLayout, type SpectrumWalk } from "../../bindings/index.ts";
import type { FromWorker, ToWorker } from "./messages.ts";
import { readTable, TableError, writeTableBytes, type Table } from "./parse.ts";
import { categoriesOf } from "../../bindings/plot/palette.ts";

/** Epochs of each move along s (the first fit uses the library's defaults). */
const STEP_EPOCHS = 40;

const post = (message: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

let walk: SpectrumWalk | undefined;
/** The page's number of the file the walk belongs to. */
let walkFile = 0;
/** The open file's other columns and labels, written back beside a saved layout. */
let opened: Pick<Table, "n" | "metadata" | "labels"> | undefined;
/** Cancels the work in flight when a newer request supersedes it (a move never cancels an open). */
let inFlight: { kind: ToWorker["type"]; controller: AbortController } | undefined;
/** Requests run one after another. */
let queue: Promise<void> = Promise.resolve();

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^cne-wasm: /, "");
}

function isAbort(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { name?: string }).name === "AbortError";
}

function sendLayout(file: number, l: SpectrumLayout, first: boolean, started: number): void {
  const layout = l.layout;
  post({ type: "layout", file, s: l.s, zBar: l.zBar ?? NaN, layout, first, ms: performance.now() - started }, [layout.buffer]);
}

async function open(msg: Extract<ToWorker, { type: "open" }>, signal: AbortSignal): Promise<void> {
  walk?.destroy();
  walk = undefined;
  walkFile = msg.file;
  opened = undefined;
  const table = await readTable(msg.name, msg.bytes, msg.labelColumn, msg.vectorColumn);
  opened = { n: table.n, metadata: table.metadata, labels: table.labels };
  const { categories, category } = categoriesOf(table.labels, table.n);
  const vectorColumn = table.vectorColumns?.length === 1 && table.vectorCandidates?.includes(table.vectorColumns[0]) ? table.vectorColumns[0] : "";
  post({
    type: "table", file: msg.file, name: msg.name, n: table.n, dim: table.dim, columns: table.columns, labelColumn: table.labelColumn, categories, category,
    vectorColumns: table.vectorCandidates ?? [], vectorColumn,
  });
  const started = performance.now();
  const next = createSpectrumWalk(table.values, { n: table.n, dim: table.dim, s: 0, stepEpochs: STEP_EPOCHS, metric: msg.metric, ...(msg.fullRows && { pca: false }) });
  walk = next;
  const first = await next.start({ signal, onProgress: (fraction, stage) => post({ type: "progress", file: msg.file, fraction, stage }) });
  // a request that came in while the fit was finishing has superseded it: its layout is never shown
  if (!signal.aborted) sendLayout(msg.file, first, true, started);
}

async function move(s: number, signal: AbortSignal): Promise<void> {
  if (!walk || walk.s === undefined) return;
  const started = performance.now(), file = walkFile;
  const layout = await walk.moveTo(s, { signal, onProgress: (fraction, stage) => post({ type: "progress", file, fraction, stage }) });
  if (!signal.aborted) sendLayout(file, layout, false, started); // likewise: a newer move or file supersedes it
}

/** The layout as Parquet or Arrow bytes with the open file's other columns (or its labels), then x and y. */
async function save(msg: Extract<ToWorker, { type: "save" }>): Promise<void> {
  if (!opened || msg.file !== walkFile) return;
  const bytes = await writeTableBytes(msg.format, msg.layout, opened.n, 2, { metadata: opened.metadata, labels: opened.labels });
  post({ type: "saved", file: msg.file, format: msg.format, bytes }, [bytes.buffer]);
}

self.addEventListener("message", (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.type === "save") {
    // a save runs beside the walk (it reads only the table kept from the open)
    save(msg).catch((error) => post({ type: "error", file: msg.file, message: `saving ${msg.format}: ${describe(error)}` }));
    return;
  }
  if (inFlight && (msg.type === "open" || inFlight.kind === "move")) inFlight.controller.abort();
  const controller = new AbortController();
  inFlight = { kind: msg.type, controller };
  queue = queue.then(async () => {
    if (controller.signal.aborted) return;
    try {
      if (msg.type === "open") await open(msg, controller.signal);
      else await move(msg.s, controller.signal);
    } catch (error) {
      if (isAbort(error)) return;
      const choices = error instanceof TableError ? error.choices : undefined;
      if (msg.type === "open") post({ type: "error", file: msg.file, message: `${msg.name}: ${describe(error)}`, ...(choices && { choices }) });
      else post({ type: "error", file: walkFile, message: describe(error) });
    }
  });
});

coreInfo().then(
  (info) =>
    post({ type: "info", build: info.build, threads: info.threads, crossOriginIsolated: self.crossOriginIsolated === true, fallback: info.fallback ?? "" }),
  (error) => post({ type: "error", message: describe(error) }),
);
