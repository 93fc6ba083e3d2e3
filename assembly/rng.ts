// Counter-based random numbers: every draw is a pure hash of (seed, stream, counter), so any thread can
// produce the draw for any position without shared state, and results do not depend on the thread count.

// SplitMix64's finaliser: a bijective 64-bit mix with good avalanche.
// @ts-ignore: decorator
@inline export function mix64(x: u64): u64 {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9;
  x ^= x >> 27;
  x *= 0x94d049bb133111eb;
  x ^= x >> 31;
  return x;
}

/** A seed as it crosses the boundary (an f64 holding an integer in [0, 2^53)) widened to the u64 the streams use. */
// @ts-ignore: decorator
@inline export function seedOf(seed: f64): u64 {
  return <u64>seed;
}

/** The key of one stream: a seed and a stream id (a phase, an epoch, a point...). */
// @ts-ignore: decorator
@inline export function streamKey(seed: u64, stream: u64): u64 {
  return mix64(seed * 0x9e3779b97f4a7c15 + mix64(stream + 0x632be59bd9b4e019));
}

/** The counter-th 64-bit draw of a stream. */
// @ts-ignore: decorator
@inline export function draw(key: u64, counter: u64): u64 {
  return mix64(key ^ (counter * 0xd1b54a32d192ed03 + 0x8cb92ba72f3d8dd7));
}

/** Uniform integer in [0, bound) from the high 32 bits (Lemire's multiply-shift; bias < bound/2^32). */
// @ts-ignore: decorator
@inline export function uniformIndex(bits: u64, bound: u32): u32 {
  return u32(((bits >> 32) * u64(bound)) >> 32);
}

/** Uniform float in [0, 1) with 24 random bits. */
// @ts-ignore: decorator
@inline export function uniformUnit(bits: u64): f32 {
  return f32(u32(bits >> 40)) * (1.0 / 16777216.0);
}

/** Standard normal (Box-Muller) from two 32-bit halves of one draw. */
export function gaussian(bits: u64): f64 {
  const u1 = (f64(u32(bits >> 32)) + 1.0) * (1.0 / 4294967297.0); // (0, 1]
  const u2 = f64(u32(bits)) * (1.0 / 4294967296.0);
  return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
}

/**
 * One step of a 64-bit LCG (Knuth's MMIX constants). Seeded by one `draw` per head, it yields that head's
 * negatives at one multiply-add each; only its high 32 bits are used (uniformIndex), which are well mixed.
 */
// @ts-ignore: decorator
@inline export function lcgNext(state: u64): u64 {
  return state * 6364136223846793005 + 1442695040888963407;
}
