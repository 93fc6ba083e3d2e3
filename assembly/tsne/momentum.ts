// t-SNE's per-coordinate update (SPEC §7): momentum on the last update and a gain per coordinate that grows
// while the gradient's sign differs from the last update's and shrinks while it agrees (Jacobs' delta-bar-delta,
// as FIt-SNE and openTSNE do). The fit (iterate.ts) and the placement of new points (place.ts) share it.

const GAIN_UP: f32 = 0.2;
const GAIN_DOWN: f32 = 0.8;
const GAIN_MIN: f32 = 0.01;

// @ts-ignore: decorator
@inline function sign(v: f32): i32 {
  return <i32>(v > 0) - <i32>(v < 0);
}

/** Updates the gain at gp and the last update at u for gradient g; returns the new update. */
// @ts-ignore: decorator
@inline export function momentumStep(g: f32, u: usize, gp: usize, rate: f32, momentum: f32): f32 {
  const last = load<f32>(u);
  let gain = load<f32>(gp);
  gain = sign(g) != sign(last) ? gain + GAIN_UP : gain * GAIN_DOWN;
  gain = max(gain, GAIN_MIN);
  store<f32>(gp, gain);
  const next = momentum * last - rate * gain * g;
  store<f32>(u, next);
  return next;
}
