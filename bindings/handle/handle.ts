// The base of every fitted handle (Embedding, ParametricEmbedding): the call serialiser, abort and progress
// plumbing, the fit as a list of phases walked by step()/run(), reading the layout, and destroy, written once.
// A subclass says how to prepare a fit (its phases) and where its layout lives in the core.

import { Core, type CoreRuntime } from "../core/core.ts";
import { fail, throwIfAborted } from "../errors.ts";
import { checkCallbacks, checkKeys, type PhaseControl, type RunControl, type Stage } from "../options/common.ts";

/** Where a handle's work reports to: the signal to check and the (fraction, stage) callback. */
export interface FitControl {
  signal: AbortSignal;
  report: (fraction: number, stage: Stage) => void;
}

/** One phase of a fit, run in epoch ranges: [0, e1), [e1, e2), … give the same bits as [0, epochs). */
export interface FitPhase {
  stage: Stage;
  epochs: number;
  /** called once, before the phase's first epoch (e.g. to reset an optimiser's state) */
  start?(): void;
  /** runs epochs [begin, end) of the phase, reporting progress as the fraction of the whole phase */
  run(begin: number, end: number, ctl: PhaseControl): Promise<void>;
}

export abstract class FitHandle {
  protected core?: Core;
  private queue: Promise<unknown> = Promise.resolve();
  private destroyed = false;
  private readonly lifetime = new AbortController();
  private plan?: FitPhase[];
  private cursor = { phase: 0, epoch: 0 };

  /** Appended to the error of a second run(): what to call instead. */
  protected readonly afterFitHint: string = "";

  /** Number of points. */
  abstract get n(): number;
  /** Output dimensions. */
  abstract get outDim(): number;

  /** The layout's address in the core (f32[n × outDim]), or undefined while there is none. */
  protected abstract layoutPtr(): number | undefined;
  /** Creates the core's state of a fit (data, neighbours, graph, initial layout…) and returns its phases. */
  protected abstract prepareFit(core: Core, ctl: FitControl): Promise<FitPhase[]>;
  /** Threads the core should have (undefined: all cores). */
  protected abstract threads(): number | undefined;
  /** Receives the one sentence saying why the fit runs on one thread when more were asked for (onWarning). */
  protected warn(message: string): void {
    console.warn(`cne-wasm: ${message}`);
  }
  /** After a step: bring the layout up to date (the parametric mode forwards the training data). */
  protected async afterStep(_ctl: FitControl): Promise<void> {}

  /**
   * The build and thread count the fit runs on, once it has started (after the first run, step or restore;
   * undefined before and after destroy), e.g. `{ build: "threads", threads: 2 }`. When more than one thread was
   * asked for (or defaulted to) and the core runs on one, `fallback` says why, as onWarning did.
   */
  get runtime(): CoreRuntime | undefined {
    return this.core?.runtime;
  }

  /** Why `call` cannot run yet: the handle was destroyed, or it has no fit yet. */
  protected notReady(call: string): string {
    return this.destroyed ? `${call} on a destroyed handle: destroy() freed its memory; fit or load the model again` : `call run() before ${call}`;
  }

  /** A copy of the current layout (n × outDim, row-major); empty before the first step. */
  get embedding(): Float32Array {
    const ptr = this.layoutPtr();
    if (!this.core || ptr === undefined) return new Float32Array(0);
    return this.core.f32(ptr, this.n * this.outDim).slice();
  }

  /**
   * Copies the current layout into `buffer` (n × outDim floats, row-major) and returns it: no new array per
   * read, e.g. for drawing every few steps. Without a buffer, a new one is made.
   */
  embeddingInto(buffer?: Float32Array): Float32Array {
    const size = this.n * this.outDim;
    const out = buffer ?? new Float32Array(size);
    if (!(out instanceof Float32Array) || out.length !== size) {
      fail(`embeddingInto needs a Float32Array of n × outDim = ${this.n} × ${this.outDim} = ${size} values`);
    }
    const ptr = this.layoutPtr();
    if (!this.core || ptr === undefined) fail(this.destroyed ? this.notReady("embeddingInto()") : "there is no layout yet: call run() or step() first");
    out.set(this.core.f32(ptr, size));
    return out;
  }

  /**
   * Runs the whole fit (or what step() left of it) and resolves with the layout. The first call prepares the
   * fit (PCA, kNN, graph, initial layout), reporting each stage.
   */
  run(control: RunControl = {}): Promise<Float32Array> {
    checkKeys(control, ["signal", "onProgress"], "run options");
    checkCallbacks(control);
    return this.serialise(async () => {
      if (this.plan && this.remainingEpochs() === 0) fail(`run() was already called${this.afterFitHint}`);
      await this.advance(Infinity, this.control(control));
      return this.embedding;
    });
  }

  /**
   * Advances the fit by up to `nEpochs` epochs (preparing it first if needed) and resolves with the epochs
   * left; 0 once the fit is done. The layout after steps of any size is the one run() gives, bit for bit.
   */
  step(nEpochs = 1, control: RunControl = {}): Promise<number> {
    if (typeof nEpochs !== "number" || !Number.isInteger(nEpochs) || nEpochs < 1) {
      return Promise.reject(new TypeError(`cne-wasm: nEpochs must be a positive integer, got ${String(nEpochs)}`));
    }
    checkKeys(control, ["signal", "onProgress"], "step options");
    checkCallbacks(control);
    return this.serialise(async () => {
      await this.advance(nEpochs, this.control(control));
      return this.remainingEpochs();
    });
  }

  /** Frees the core and its workers. Safe to call twice, and during a call (which then rejects). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.lifetime.abort(new DOMException("The embedding was destroyed", "AbortError"));
    // the core is released once any running call has stopped; its memory may then serve the next fit, so the
    // handle drops its view of it
    void this.queue.finally(() => {
      this.core?.destroy();
      this.core = undefined;
    });
  }

  /** True once the fit's state exists in the core (after the first step or run). */
  protected get prepared(): boolean {
    return this.plan !== undefined;
  }

  /** Replaces what is left of the fit by these phases (optimize() runs one more). */
  protected setPlan(phases: FitPhase[]): void {
    this.plan = phases;
    this.cursor = { phase: 0, epoch: 0 };
  }

  /** The core's state is restored from saved state: the fit counts as done. */
  protected async restore(build: (core: Core) => void | Promise<void>): Promise<void> {
    await this.serialise(async () => {
      this.signalFor();
      this.core = await this.createCore();
      await build(this.core);
      this.setPlan([]);
    });
  }

  protected remainingEpochs(): number {
    if (!this.plan) return Infinity;
    let left = 0;
    for (let i = this.cursor.phase; i < this.plan.length; i++) left += this.plan[i].epochs;
    return left - this.cursor.epoch;
  }

  /** Runs phases from the cursor for up to `epochs` epochs. Call inside serialise(). */
  protected async advance(epochs: number, ctl: FitControl): Promise<void> {
    if (!this.plan) {
      this.core = await this.createCore();
      this.setPlan(await this.prepareFit(this.core, ctl));
    }
    const plan = this.plan!;
    let left = epochs;
    while (left > 0 && this.cursor.phase < plan.length) {
      const phase = plan[this.cursor.phase];
      if (this.cursor.epoch === 0) phase.start?.();
      const begin = this.cursor.epoch, end = Math.min(phase.epochs, begin + left);
      await phase.run(begin, end, { signal: ctl.signal, progress: (f) => ctl.report(f, phase.stage) });
      left -= end - begin;
      this.cursor = end === phase.epochs ? { phase: this.cursor.phase + 1, epoch: 0 } : { phase: this.cursor.phase, epoch: end };
    }
    await this.afterStep(ctl);
  }

  /** The signal (the caller's combined with destroy()) and the progress callback of a call. */
  protected control(control: RunControl): FitControl {
    return { signal: this.signalFor(control.signal), report: (f, stage) => control.onProgress?.(f, stage) };
  }

  /** The caller's signal combined with destroy(). */
  protected signalFor(user?: AbortSignal): AbortSignal {
    if (this.destroyed) throw new DOMException("The embedding was destroyed", "AbortError");
    throwIfAborted(user);
    return user ? AbortSignal.any([user, this.lifetime.signal]) : this.lifetime.signal;
  }

  /** Runs calls one after another, in the order they were made. */
  protected serialise<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private createCore(): Promise<Core> {
    return Core.create(this.threads(), (message) => this.warn(message));
  }
}
