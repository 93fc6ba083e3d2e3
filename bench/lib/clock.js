// Splits one timed call into phases: stage(name) starts a phase and ends the previous one. Re-entering the
// current phase is a no-op, so progress callbacks can call stage() on every tick.

export class PhaseClock {
  constructor() {
    this.start = performance.now();
    this.current = null;
    this.since = this.start;
    this.phases = {};
    this.order = [];
  }

  stage(name) {
    if (name === this.current) return;
    this.close();
    this.current = name;
  }

  close() {
    const now = performance.now();
    if (this.current !== null) {
      if (!(this.current in this.phases)) this.order.push(this.current);
      this.phases[this.current] = (this.phases[this.current] ?? 0) + (now - this.since) / 1000;
    }
    this.since = now;
  }

  /** Ends the last phase; returns total seconds and seconds per phase in the order first seen. */
  finish() {
    this.close();
    this.current = null;
    const phases = {};
    for (const name of this.order) phases[name] = this.phases[name];
    return { seconds: (performance.now() - this.start) / 1000, phases };
  }
}
