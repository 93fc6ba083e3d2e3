// The scatter view: points drawn into one ImageData per frame (a 2-3 px square per point, in a fixed
// shuffled order), pan by dragging, zoom by the wheel, points gliding from one layout to the next, and the
// point under the cursor found through a uniform grid. Drawing 70,000 points this way takes a few ms a frame.

import { PALETTE, categoryColor, shuffledOrder } from "../../bindings/plot/palette.ts";
import { boundsOf, fitScale } from "../../bindings/plot/geometry.ts";

const BACKGROUND = 0xffffffff;
const GLIDE_MS = 700;
const HOVER_PX = 6;

/** ABGR words (little-endian RGBA bytes) of the category colours; one grey when there are no labels. */
function colorWords(categories: number): Uint32Array {
  const words = new Uint32Array(Math.max(1, categories));
  for (let i = 0; i < words.length; i++) {
    const hex = categories === 0 ? PALETTE[0] : categoryColor(i);
    const v = parseInt(hex.slice(1), 16);
    words[i] = (0xff << 24) | ((v & 255) << 16) | (v & 0xff00) | ((v >> 16) & 255);
  }
  return words;
}

export class ScatterView {
  private readonly context: CanvasRenderingContext2D;
  private image?: ImageData;
  private pixels?: Uint32Array;
  private n = 0;
  /** the positions drawn now, the glide's start and its target (data units, n × 2) */
  private shown: Float32Array = new Float32Array(0);
  private from: Float32Array = new Float32Array(0);
  private to: Float32Array = new Float32Array(0);
  private glideStart = 0;
  private gliding = false;
  private category: Int32Array = new Int32Array(0);
  private colors = colorWords(0);
  private order: Int32Array = new Int32Array(0);
  /** data → screen: x' = cx + zoom·(x − dx) and y' = cy − zoom·(y − dy), in device pixels */
  private zoom = 1;
  private dx = 0;
  private dy = 0;
  private grid?: { cell: number; minX: number; minY: number; columns: number; rows: number; start: Int32Array; items: Int32Array };
  private frameRequested = false;
  private frames = 0;
  /** called after each frame is drawn */
  onFrame?: () => void;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const context = canvas.getContext("2d", { alpha: false });
    if (!context) throw new Error("this browser has no 2-D canvas");
    this.context = context;
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
    this.attachPanZoom();
  }

  /** Frames drawn so far (for measuring the frame rate). */
  get frameCount(): number {
    return this.frames;
  }

  get pointCount(): number {
    return this.n;
  }

  /** The target layout (n × 2), a copy. */
  layout(): Float32Array {
    return this.to.slice();
  }

  /** New points: replaces everything and fits them into view. */
  setPoints(layout: Float32Array, category: Int32Array, categories: number): void {
    this.n = layout.length / 2;
    this.shown = layout.slice();
    this.from = layout.slice();
    this.to = layout.slice();
    this.category = category.length === this.n ? category : new Int32Array(this.n);
    this.colors = colorWords(categories);
    this.order = shuffledOrder(this.n);
    this.gliding = false;
    this.fit();
    this.buildGrid();
    this.request();
  }

  /** The same points at new places: they glide there. */
  glideTo(layout: Float32Array): void {
    if (layout.length !== this.to.length) return this.setPoints(layout, this.category, this.colors.length);
    this.from = this.shown.slice();
    this.to = layout.slice();
    this.glideStart = performance.now();
    this.gliding = true;
    this.buildGrid();
    this.request();
  }

  /** Fits the target layout into the canvas with a margin. */
  fit(): void {
    const b = boundsOf(this.to, this.n, 2);
    this.zoom = fitScale(b, 0.9 * this.canvas.width, 0.9 * this.canvas.height);
    this.dx = (b.minX + b.maxX) / 2;
    this.dy = (b.minY + b.maxY) / 2;
    this.request();
  }

  /** The row under a point of the canvas (CSS pixels), or −1. */
  pick(cssX: number, cssY: number): number {
    const g = this.grid;
    if (!g || this.gliding) return -1;
    const ratio = this.canvas.width / this.canvas.clientWidth;
    const [x, y] = this.toData(cssX * ratio, cssY * ratio);
    const radius = (HOVER_PX * ratio) / this.zoom;
    let best = -1, bestD = radius * radius;
    const c0 = Math.floor((x - radius - g.minX) / g.cell), c1 = Math.floor((x + radius - g.minX) / g.cell);
    const r0 = Math.floor((y - radius - g.minY) / g.cell), r1 = Math.floor((y + radius - g.minY) / g.cell);
    for (let r = Math.max(0, r0); r <= Math.min(g.rows - 1, r1); r++) {
      for (let c = Math.max(0, c0); c <= Math.min(g.columns - 1, c1); c++) {
        const cell = r * g.columns + c;
        for (let k = g.start[cell]; k < g.start[cell + 1]; k++) {
          const i = g.items[k];
          const d = (this.to[2 * i] - x) ** 2 + (this.to[2 * i + 1] - y) ** 2;
          if (d < bestD) { bestD = d; best = i; }
        }
      }
    }
    return best;
  }

  /** The canvas as a PNG. */
  png(): Promise<Blob> {
    return new Promise((resolve, reject) => this.canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("no PNG"))), "image/png"));
  }

  /** Draws continuously for `ms` (as during a glide) and returns frames per second. */
  async measureFrameRate(ms: number): Promise<number> {
    const start = performance.now();
    let frames = 0;
    await new Promise<void>((done) => {
      const step = (now: number) => {
        this.glideStart = now - GLIDE_MS / 2; // hold the glide half way, so every frame interpolates and redraws
        this.gliding = true;
        this.draw(now);
        frames++;
        if (now - start < ms) requestAnimationFrame(step);
        else done();
      };
      requestAnimationFrame(step);
    });
    this.gliding = false;
    this.shown = this.to.slice();
    this.request();
    return (frames * 1000) / (performance.now() - start);
  }

  private toData(px: number, py: number): [number, number] {
    const w = this.canvas.width, h = this.canvas.height;
    return [this.dx + (px - w / 2) / this.zoom, this.dy - (py - h / 2) / this.zoom];
  }

  private resize(): void {
    const ratio = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(this.canvas.clientWidth * ratio)), h = Math.max(1, Math.round(this.canvas.clientHeight * ratio));
    if (w === this.canvas.width && h === this.canvas.height && this.image) return;
    this.canvas.width = w;
    this.canvas.height = h;
    this.image = this.context.createImageData(w, h);
    this.pixels = new Uint32Array(this.image.data.buffer);
    if (this.n > 0) this.fit();
    this.request();
  }

  private request(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame((now) => {
      this.frameRequested = false;
      this.draw(now);
      if (this.gliding) this.request();
    });
  }

  private draw(now: number): void {
    const image = this.image!, pixels = this.pixels!;
    const w = image.width, h = image.height;
    if (this.gliding) {
      const t = Math.min(1, (now - this.glideStart) / GLIDE_MS);
      const e = t < 0.5 ? 4 * t * t * t : 1 - (-2 * t + 2) ** 3 / 2; // ease in and out
      for (let k = 0; k < this.shown.length; k++) this.shown[k] = this.from[k] + (this.to[k] - this.from[k]) * e;
      if (t >= 1) this.gliding = false;
    }
    pixels.fill(BACKGROUND);
    const size = this.n > 20000 ? 2 : 3;
    const half = size >> 1;
    const cx = w / 2, cy = h / 2, zoom = this.zoom, dx = this.dx, dy = this.dy;
    for (let t = 0; t < this.n; t++) {
      const i = this.order[t];
      const x = Math.round(cx + zoom * (this.shown[2 * i] - dx)) - half;
      const y = Math.round(cy - zoom * (this.shown[2 * i + 1] - dy)) - half;
      if (x < 0 || y < 0 || x + size > w || y + size > h) continue;
      const color = this.colors[this.category[i]];
      for (let r = 0; r < size; r++) pixels.fill(color, (y + r) * w + x, (y + r) * w + x + size);
    }
    this.context.putImageData(image, 0, 0);
    this.frames++;
    this.onFrame?.();
  }

  /** A uniform grid over the target layout, about 2 points a cell, for picking. */
  private buildGrid(): void {
    const { minX, minY, maxX, maxY } = boundsOf(this.to, this.n, 2);
    const cell = Math.max((maxX - minX) || 1, (maxY - minY) || 1) / Math.max(1, Math.sqrt(this.n / 2));
    const columns = Math.floor((maxX - minX) / cell) + 1, rows = Math.floor((maxY - minY) / cell) + 1;
    const cellOf = new Int32Array(this.n);
    const start = new Int32Array(columns * rows + 1);
    for (let i = 0; i < this.n; i++) {
      const c = Math.floor((this.to[2 * i] - minX) / cell), r = Math.floor((this.to[2 * i + 1] - minY) / cell);
      cellOf[i] = r * columns + c;
      start[cellOf[i] + 1]++;
    }
    for (let k = 0; k < columns * rows; k++) start[k + 1] += start[k];
    const fill = start.slice(0, columns * rows);
    const items = new Int32Array(this.n);
    for (let i = 0; i < this.n; i++) items[fill[cellOf[i]]++] = i;
    this.grid = { cell, minX, minY, columns, rows, start, items };
  }

  private attachPanZoom(): void {
    let drag: { x: number; y: number; dx: number; dy: number } | undefined;
    const ratio = () => this.canvas.width / this.canvas.clientWidth;
    this.canvas.addEventListener("pointerdown", (e) => {
      drag = { x: e.clientX, y: e.clientY, dx: this.dx, dy: this.dy };
      this.canvas.setPointerCapture(e.pointerId);
    });
    this.canvas.addEventListener("pointermove", (e) => {
      if (!drag) return;
      this.dx = drag.dx - ((e.clientX - drag.x) * ratio()) / this.zoom;
      this.dy = drag.dy + ((e.clientY - drag.y) * ratio()) / this.zoom;
      this.request();
    });
    const end = () => (drag = undefined);
    this.canvas.addEventListener("pointerup", end);
    this.canvas.addEventListener("pointercancel", end);
    this.canvas.addEventListener("wheel", (e) => {
      e.preventDefault();
      const rect = this.canvas.getBoundingClientRect();
      const px = (e.clientX - rect.left) * ratio(), py = (e.clientY - rect.top) * ratio();
      const [x, y] = this.toData(px, py);
      this.zoom *= Math.exp(-e.deltaY * 0.0015);
      // keep the point under the cursor in place
      const [x2, y2] = this.toData(px, py);
      this.dx += x - x2;
      this.dy += y - y2;
      this.request();
    }, { passive: false });
  }
}
