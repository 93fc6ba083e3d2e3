// The counter-based RNG: draws are pure functions of (seed, stream, counter), so any thread reproduces any
// draw; the helpers map draws to the ranges the kernels rely on with the right distribution. Loops count
// violations and assert once: an expect per draw would make the suite slow.
import { draw, gaussian, lcgNext, mix64, streamKey, uniformIndex, uniformUnit } from "../rng";

const DRAWS = 100000;

describe("mix64", () => {
  it("is SplitMix64's finaliser (the published first outputs for seed 0)", () => {
    // SplitMix64 with state 0 outputs mix64(1·γ), mix64(2·γ), mix64(3·γ) for γ = 0x9e3779b97f4a7c15
    const gamma: u64 = 0x9e3779b97f4a7c15;
    expect<u64>(mix64(gamma)).toBe(0xe220a8397b1dcdaf);
    expect<u64>(mix64(gamma * 2)).toBe(0x6e789e6aa1b965f4);
    expect<u64>(mix64(gamma * 3)).toBe(0x06c45d188009454f);
  });
});

describe("streams and draws", () => {
  it("gives the same draw for the same (seed, stream, counter), in any order", () => {
    const key = streamKey(42, 7);
    const forward = new StaticArray<u64>(64);
    for (let c = 0; c < 64; c++) forward[c] = draw(key, u64(c));
    let differing = 0;
    for (let c = 63; c >= 0; c--) if (draw(streamKey(42, 7), u64(c)) != forward[c]) differing++;
    expect<i32>(differing).toBe(0);
    expect<u64>(forward[0]).not.toBe(forward[1]);
  });

  it("gives distinct keys for nearby seeds and streams", () => {
    const keys = new Set<u64>();
    for (let seed: u64 = 0; seed < 32; seed++) {
      for (let stream: u64 = 0; stream < 32; stream++) keys.add(streamKey(seed, stream));
    }
    expect<i32>(keys.size).toBe(32 * 32);
  });

  it("flips about half of the bits when the counter changes by one", () => {
    const key = streamKey(1, 2);
    let flipped: i64 = 0;
    for (let c = 0; c < DRAWS; c++) flipped += popcnt<u64>(draw(key, u64(c)) ^ draw(key, u64(c + 1)));
    const mean = f64(flipped) / f64(DRAWS);
    expect<f64>(Math.abs(mean - 32.0)).toBeLessThan(0.1); // sd of the mean is 4 / sqrt(DRAWS) = 0.013
  });
});

describe("uniformIndex", () => {
  it("stays below its bound, also for bound 1 and 2^32 - 1", () => {
    const key = streamKey(3, 0);
    let outside = 0;
    for (let c = 0; c < DRAWS; c++) {
      const bits = draw(key, u64(c));
      if (uniformIndex(bits, 1) != 0) outside++;
      if (uniformIndex(bits, 7) >= 7) outside++;
      if (uniformIndex(bits, 0xffffffff) >= 0xffffffff) outside++;
    }
    expect<i32>(outside).toBe(0);
    expect<u32>(uniformIndex(0xffffffffffffffff, 7)).toBe(6); // the largest draw maps to the last value
  });

  it("is uniform over 10 bins (chi-square, 9 degrees of freedom)", () => {
    const key = streamKey(5, 1);
    const bins = new StaticArray<i32>(10);
    for (let c = 0; c < DRAWS; c++) bins[uniformIndex(draw(key, u64(c)), 10)]++;
    let chi2 = 0.0;
    const expected = f64(DRAWS) / 10.0;
    for (let b = 0; b < 10; b++) chi2 += (f64(bins[b]) - expected) ** 2 / expected;
    expect<f64>(chi2).toBeLessThan(27.88); // the 0.999 quantile of chi-square(9)
  });
});

describe("uniformUnit", () => {
  it("lies in [0, 1) with mean 1/2 and variance 1/12", () => {
    const key = streamKey(9, 4);
    let sum = 0.0;
    let sumSq = 0.0;
    let outside = 0;
    for (let c = 0; c < DRAWS; c++) {
      const u = uniformUnit(draw(key, u64(c)));
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sumSq += f64(u) * f64(u);
    }
    expect<i32>(outside).toBe(0);
    const mean = sum / DRAWS;
    expect<f64>(Math.abs(mean - 0.5)).toBeLessThan(0.005); // sd of the mean: 0.29 / sqrt(DRAWS) = 0.0009
    expect<f64>(Math.abs(sumSq / DRAWS - mean * mean - 1.0 / 12.0)).toBeLessThan(0.002);
    expect<f32>(uniformUnit(0xffffffffffffffff)).toBeLessThan(1.0);
    expect<f32>(uniformUnit(0)).toBe(0.0);
  });
});

describe("gaussian", () => {
  it("is finite with mean 0, variance 1 and 95% within ±1.96", () => {
    const key = streamKey(11, 3);
    let sum = 0.0;
    let sumSq = 0.0;
    let inside = 0;
    let nonFinite = 0;
    for (let c = 0; c < DRAWS; c++) {
      const g = gaussian(draw(key, u64(c)));
      if (!isFinite(g)) nonFinite++;
      sum += g;
      sumSq += g * g;
      if (Math.abs(g) < 1.959964) inside++;
    }
    expect<i32>(nonFinite).toBe(0);
    expect<f64>(Math.abs(sum / DRAWS)).toBeLessThan(0.02); // sd of the mean: 1 / sqrt(DRAWS) = 0.003
    expect<f64>(Math.abs(sumSq / DRAWS - 1.0)).toBeLessThan(0.03); // sd: sqrt(2 / DRAWS) = 0.0045
    expect<f64>(Math.abs(f64(inside) / DRAWS - 0.95)).toBeLessThan(0.005); // sd: 0.0007
  });

  it("stays finite at the extreme inputs", () => {
    expect<bool>(isFinite(gaussian(0))).toBe(true);
    expect<bool>(isFinite(gaussian(0xffffffffffffffff))).toBe(true);
  });
});

describe("lcgNext", () => {
  it("is the MMIX step: state · 6364136223846793005 + 1442695040888963407 (mod 2^64)", () => {
    expect<u64>(lcgNext(0)).toBe(1442695040888963407);
    expect<u64>(lcgNext(1)).toBe(6364136223846793005 + 1442695040888963407);
  });

  it("gives uniform indices from its high bits when seeded by a draw (chi-square over 10 bins)", () => {
    const bins = new StaticArray<i32>(10);
    let state = draw(streamKey(13, 2), 0);
    for (let c = 0; c < DRAWS; c++) {
      state = lcgNext(state);
      bins[uniformIndex(state, 10)]++;
    }
    let chi2 = 0.0;
    const expected = f64(DRAWS) / 10.0;
    for (let b = 0; b < 10; b++) chi2 += (f64(bins[b]) - expected) ** 2 / expected;
    expect<f64>(chi2).toBeLessThan(27.88); // the 0.999 quantile of chi-square(9)
  });
});
