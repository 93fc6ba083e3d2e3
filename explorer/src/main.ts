// The explorer page: opens a file (picker, drag and drop, or the file `cne serve` was given, by default the
// bundled digits), shows the embedding the worker computes, and moves along s with the slider; the points
// glide to their new places. State for tests and scripts is kept on `window.explorer`.

import { PALETTE, categoryColor } from "../../bindings/plot/palette.ts";
import { zBarAt } from "../../bindings/public.ts";
import { dump } from "npyjs";
import type { FromWorker, ToWorker } from "./messages.ts";
import type { Metric } from "../../bindings/options/embedding.ts";
import { ScatterView } from "./view.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const slider = $<HTMLInputElement>("s"), sValue = $("s-value"), progress = $<HTMLProgressElement>("progress");
const status = $("status"), errorBox = $("error"), tooltip = $("tooltip"), legend = $("legend");
const labelSelect = $<HTMLSelectElement>("label-column");
/** which list column of a table holds the vector, shown when the file has such columns */
const vectorSelect = $<HTMLSelectElement>("vector-column"), vectorChoice = $("vector-choice");
/** the neighbour search's distance: a change fits the open file again under it */
const metricSelect = $<HTMLSelectElement>("metric");
/** where the neighbours are searched: PCA-50 of wide data (the default), or the full rows (the fit's pca: false) */
const searchSelect = $<HTMLSelectElement>("search");
const view = new ScatterView($<HTMLCanvasElement>("plot"));
const worker = new Worker(new URL("./compute.js", import.meta.url), { type: "module" });

/** What the page shows, readable from scripts and tests. */
const state = {
  status: "starting" as "starting" | "loading" | "computing" | "ready" | "error",
  name: "",
  /** files opened so far; the one shown is the last (what the worker sends about earlier ones is dropped) */
  opened: 0,
  n: 0,
  s: 0,
  /** Z̄ of the layout shown, as its fit used it (NaN before the first layout) */
  zBar: Number.NaN,
  /** layouts received so far */
  layouts: 0,
  build: "",
  threads: 0,
  /** why the library runs on one thread when more were asked for (coreInfo's fallback), or "" */
  fallback: "",
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
  error: "",
  lastMs: 0,
};
let file: { name: string; bytes: ArrayBuffer } | undefined;
/** the vector column asked for (null: the reader's default) */
let vectorColumn: string | null = null;
let categories: string[] = [];
let category: Int32Array = new Int32Array(0);
let pendingS: number | undefined;
let pendingLabels: { categories: string[]; category: Int32Array } | undefined;

const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);

function showError(message: string): void {
  state.status = "error";
  state.error = message;
  errorBox.textContent = message;
  errorBox.classList.add("shown");
  status.textContent = "error";
  progress.value = 0;
}

function clearError(): void {
  state.error = "";
  errorBox.textContent = "";
  errorBox.classList.remove("shown");
}

function describeS(s: number, zBar: number): string {
  return Number.isFinite(zBar) ? `s = ${s.toFixed(2)} · Z\u0304 = ${zBar.toExponential(2)}` : `s = ${s.toFixed(2)}`;
}

/** Offers the table's list columns as the vector (hidden when it has none). */
function showVectorChoices(choices: string[], chosen: string): void {
  vectorSelect.replaceChildren(...(chosen === "" && choices.length > 0 ? [new Option("choose…", "")] : []), ...choices.map((c) => new Option(c, c)));
  vectorSelect.value = chosen;
  vectorChoice.hidden = choices.length === 0;
}

const SAVE_BUTTONS = ["save-csv", "save-npy", "save-parquet", "save-arrow", "save-png"];

function open(name: string, bytes: ArrayBuffer, labelColumn: string | number | null): void {
  clearError();
  for (const id of SAVE_BUTTONS) $<HTMLButtonElement>(id).disabled = true;
  file = { name, bytes: bytes.slice(0) };
  state.opened++;
  state.status = "loading";
  state.name = name;
  state.n = 0;
  state.zBar = Number.NaN;
  slider.disabled = true;
  slider.value = "0";
  state.s = 0;
  pendingS = undefined;
  status.textContent = `reading ${name}…`;
  send({ type: "open", file: state.opened, name, bytes, labelColumn, vectorColumn, metric: metricSelect.value as Metric, fullRows: searchSelect.value === "full" }, [bytes]);
}

async function openUrl(url: string, name: string, labelColumn: string | null, vector: string | null = null): Promise<void> {
  vectorColumn = vector;
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    open(name, await response.arrayBuffer(), labelColumn);
  } catch (error) {
    showError(`could not load ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function openFile(f: File): Promise<void> {
  vectorColumn = null;
  // a dropped file's labels: the first column of words, if any (a choice the page makes; the reader guesses none)
  open(f.name, await f.arrayBuffer(), "auto");
}

function showLegend(): void {
  legend.replaceChildren(
    ...categories.slice(0, 40).map((c, i) => {
      const row = document.createElement("div");
      const dot = document.createElement("span");
      dot.style.background = categories.length === 0 ? PALETTE[0] : categoryColor(i);
      row.append(dot, c);
      return row;
    }),
  );
  legend.style.display = categories.length > 0 ? "block" : "none";
}

worker.addEventListener("message", (event: MessageEvent<FromWorker>) => {
  const msg = event.data;
  // a layout, table or error of a file left since is still on its way when the next one is opened
  if (msg.type !== "info" && msg.file !== undefined && msg.file !== state.opened) return;
  switch (msg.type) {
    case "info":
      state.build = msg.build;
      state.threads = msg.threads;
      state.crossOriginIsolated = msg.crossOriginIsolated;
      state.fallback = msg.fallback;
      break;
    case "table":
      state.n = msg.n;
      state.status = "computing";
      // the labels take effect with the file's first layout; until then hover reads the points shown
      pendingLabels = { categories: msg.categories, category: msg.category };
      labelSelect.replaceChildren(new Option("none", "-1"), ...msg.columns.map((c, j) => new Option(c, String(j))));
      labelSelect.value = String(msg.labelColumn);
      showVectorChoices(msg.vectorColumns, msg.vectorColumn);
      status.textContent = `${msg.name}: ${msg.n} × ${msg.dim}, embedding…`;
      break;
    case "progress":
      progress.value = msg.fraction;
      break;
    case "layout":
      state.layouts++;
      state.s = msg.s;
      state.zBar = msg.zBar;
      state.lastMs = msg.ms;
      if (msg.first && pendingLabels) {
        ({ categories, category } = pendingLabels);
        pendingLabels = undefined;
        showLegend();
      }
      if (msg.first) view.setPoints(msg.layout, category, categories.length);
      else view.glideTo(msg.layout);
      progress.value = 1;
      sValue.textContent = describeS(msg.s, msg.zBar);
      for (const id of SAVE_BUTTONS) $<HTMLButtonElement>(id).disabled = false;
      slider.disabled = false;
      if (pendingS !== undefined && pendingS !== msg.s) {
        send({ type: "move", s: pendingS });
        state.status = "computing";
      } else {
        pendingS = undefined;
        state.status = "ready";
      }
      status.textContent = `${state.name}: n = ${state.n} · ${state.build}, ${state.threads} thread${state.threads === 1 ? "" : "s"} · ${(msg.ms / 1000).toFixed(1)} s`;
      // one thread where more were asked for: say why, on the page as the library does through onWarning
      if (state.fallback) status.textContent += ` (${state.fallback.replace(/^.*? asked for, but /, "").replace(/; running .*$/, "")})`;
      break;
    case "saved":
      download(new Blob([msg.bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }), `${stem()}.${msg.format}`);
      break;
    case "error":
      // a table with several list columns: the page asks for the vector where the command line asks for a flag
      if (msg.choices) {
        showVectorChoices(msg.choices, "");
        labelSelect.replaceChildren(new Option("none", "-1")); // the previous file's columns are not this one's
      }
      showError(msg.choices ? msg.message.replace(/: name the vector with --vector-column$/, ": choose the vector column") : msg.message);
      break;
  }
});
worker.addEventListener("error", (e) => showError(`the compute worker failed: ${e.message}`));

// while dragging: the Z̄ a fit at that s will use (the same for any number of negatives, SPEC §2)
slider.addEventListener("input", () => {
  const s = Number(slider.value);
  sValue.textContent = describeS(s, state.n > 0 ? zBarAt(s, state.n) : Number.NaN);
});
slider.addEventListener("change", () => {
  pendingS = Number(slider.value);
  state.status = "computing";
  progress.value = 0;
  send({ type: "move", s: pendingS });
});
labelSelect.addEventListener("change", () => {
  if (file) open(file.name, file.bytes.slice(0), Number(labelSelect.value));
});
vectorSelect.addEventListener("change", () => {
  if (!file || vectorSelect.value === "") return;
  vectorColumn = vectorSelect.value;
  open(file.name, file.bytes.slice(0), Number(labelSelect.value));
});
metricSelect.addEventListener("change", () => {
  if (file) open(file.name, file.bytes.slice(0), Number(labelSelect.value));
});
searchSelect.addEventListener("change", () => {
  if (file) open(file.name, file.bytes.slice(0), Number(labelSelect.value));
});
$<HTMLInputElement>("file").addEventListener("change", (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void openFile(f);
});
$("digits").addEventListener("click", () => void openUrl("/data/digits.csv.gz", "digits.csv.gz", "last"));

// drag and drop anywhere on the page
let depth = 0;
document.addEventListener("dragenter", (e) => { e.preventDefault(); depth++; document.body.classList.add("dragging"); });
document.addEventListener("dragleave", () => { if (--depth <= 0) { depth = 0; document.body.classList.remove("dragging"); } });
document.addEventListener("dragover", (e) => e.preventDefault());
document.addEventListener("drop", (e) => {
  e.preventDefault();
  depth = 0;
  document.body.classList.remove("dragging");
  const f = e.dataTransfer?.files[0];
  if (f) void openFile(f);
});

// hover: the row and its label
const canvas = $<HTMLCanvasElement>("plot");
canvas.addEventListener("mousemove", (e) => {
  const rect = canvas.getBoundingClientRect();
  const i = view.pick(e.clientX - rect.left, e.clientY - rect.top);
  if (i < 0) {
    tooltip.style.display = "none";
    return;
  }
  tooltip.textContent = categories.length > 0 ? `row ${i} · ${categories[category[i]]}` : `row ${i}`;
  tooltip.style.left = `${e.clientX - rect.left + 12}px`;
  tooltip.style.top = `${e.clientY - rect.top + 12}px`;
  tooltip.style.display = "block";
});
canvas.addEventListener("mouseleave", () => (tooltip.style.display = "none"));
canvas.addEventListener("dblclick", () => view.fit());

// downloads
function download(blob: Blob, name: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
const stem = () => `${state.name.replace(/\.(csv|tsv|txt|npy|json|jsonl|ndjson|parquet|pq|arrow|arrows|feather)(\.gz)?$/i, "")}-s${state.s}`;
$("save-csv").addEventListener("click", () => {
  const y = view.layout();
  const lines = new Array<string>(y.length / 2);
  for (let i = 0; i < lines.length; i++) lines[i] = `${y[2 * i]},${y[2 * i + 1]}`;
  download(new Blob([lines.join("\n") + "\n"], { type: "text/csv" }), `${stem()}.csv`);
});
$("save-npy").addEventListener("click", () => {
  const y = view.layout();
  download(new Blob([dump(y, [y.length / 2, 2])], { type: "application/octet-stream" }), `${stem()}.npy`);
});
// Parquet and Arrow are written in the worker, which holds the file's other columns
for (const format of ["parquet", "arrow"] as const) {
  $(`save-${format}`).addEventListener("click", () => send({ type: "save", file: state.opened, format, layout: view.layout() }));
}
$("save-png").addEventListener("click", async () => download(await view.png(), `${stem()}.png`));

(window as unknown as { explorer: unknown }).explorer = {
  state,
  layout: () => view.layout(),
  frameCount: () => view.frameCount,
  measureFrameRate: (ms: number) => view.measureFrameRate(ms),
  /** Shows n random points (no embedding) to measure drawing alone. */
  showRandom: (n: number, seed = 1) => {
    let a = seed >>> 0;
    const next = () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0) / 4294967296);
    const y = new Float32Array(2 * n);
    for (let k = 0; k < y.length; k++) y[k] = next() * 20 - 10;
    const c = new Int32Array(n);
    for (let i = 0; i < n; i++) c[i] = i % 10;
    view.setPoints(y, c, 10);
    for (let k = 0; k < y.length; k++) y[k] = next() * 20 - 10;
    view.glideTo(y);
  },
};

// the file `cne serve` was given (with its --label-column and --vector-column), or the digits
fetch("/start.json")
  .then((r) => (r.ok ? r.json() : { name: "digits.csv.gz", url: "/data/digits.csv.gz", labelColumn: "last" }))
  .then((start: { name: string; url: string; labelColumn: string | null; vectorColumn?: string | null }) => openUrl(start.url, start.name, start.labelColumn, start.vectorColumn ?? null))
  .catch((error) => showError(String(error)));
