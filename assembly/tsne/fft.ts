// Complex FFTs of lengths 2^a·3^b·5^c over v128 elements, each element two complex f32 numbers
// (re0, im0, re1, im1): one call transforms two sequences at once, so the repulsion's four real charges (two
// complex signals, their real kernel keeping real and imaginary parts apart) take one pass.
// Stockham autosort, decimation in frequency, radices 4, 2, 3 and 5: stage t reads a_j = x[q + s(p + jm)] and
// writes y[q + s(rp + k)] = (Σ_j a_j ω_r^{jk}) · ω_{rm}^{pk}, so the output comes out in natural order with no
// bit reversal; stages alternate between two scratch buffers. The forward transform only: the inverse of Y is
// (1/N) · FFT(Y) read at index (N − x) mod N.

/** Most stages a plan holds (N ≤ 2^31 needs at most 31). */
export const FFT_MAX_STAGES: i32 = 32;
/** Bytes of a plan: i32 stage count, then the radices. */
export const FFT_PLAN_BYTES: usize = 4 * (1 + FFT_MAX_STAGES);

/** Bytes of the twiddle table of length n: per root two v128 (see fftTwiddles). */
export function twiddleBytes(n: i32): usize {
  return <usize>n << 5;
}

/** Whether n's only prime factors are 2, 3 and 5. */
export function isSmooth(n: i32): bool {
  if (n < 1) return false;
  while (n % 2 == 0) n /= 2;
  while (n % 3 == 0) n /= 3;
  while (n % 5 == 0) n /= 5;
  return n == 1;
}

/** The smallest multiple of 4 that is at least `atLeast` and 2,3,5-smooth. */
export function smoothSize(atLeast: i32): i32 {
  let n = max(4, (atLeast + 3) & ~3);
  while (!isSmooth(n)) n += 4;
  return n;
}

/** Writes the radices of n (4s first, then a 2, 3s, 5s) at planPtr; returns the stage count (0: n not smooth). */
export function fftPlan(n: i32, planPtr: usize): i32 {
  if (!isSmooth(n)) return 0;
  let count = 0;
  let m = n;
  while (m % 4 == 0) { store<i32>(planPtr + 4 + (<usize>count << 2), 4); count++; m /= 4; }
  if (m % 2 == 0) { store<i32>(planPtr + 4 + (<usize>count << 2), 2); count++; m /= 2; }
  while (m % 3 == 0) { store<i32>(planPtr + 4 + (<usize>count << 2), 3); count++; m /= 3; }
  while (m % 5 == 0) { store<i32>(planPtr + 4 + (<usize>count << 2), 5); count++; m /= 5; }
  store<i32>(planPtr, count);
  return count;
}

/**
 * Roots t in [begin, end) of the table for length n: ω^t = e^{−2πit/n} = c + id stored as two v128,
 * (c, c, c, c) and (−d, d, −d, d), the factors of a complex product on both lanes pairs (cmul).
 */
export function fftTwiddles(n: i32, twPtr: usize, begin: i32, end: i32): void {
  for (let t = begin; t < end; t++) {
    const angle = -2 * Math.PI * <f64>t / <f64>n;
    const c = <f32>Math.cos(angle), d = <f32>Math.sin(angle);
    const p = twPtr + (<usize>t << 5);
    v128.store(p, f32x4.splat(c));
    v128.store(p, f32x4(-d, d, -d, d), 16);
  }
}

// (a + ib)(c + id) on both complex numbers of v: v·c + swap(v)·(−d, d)
// @ts-ignore: decorator
@inline function cmul(v: v128, tw: usize): v128 {
  const swapped = v128.shuffle<f32>(v, v, 1, 0, 3, 2);
  return f32x4.add(f32x4.mul(v, v128.load(tw)), f32x4.mul(swapped, v128.load(tw, 16)));
}

// −i·(a + ib) = b − ia on both complex numbers
// @ts-ignore: decorator
@inline function mulNegI(v: v128): v128 {
  return v128.xor(v128.shuffle<f32>(v, v, 1, 0, 3, 2), i32x4(0, -0x80000000, 0, -0x80000000));
}

function stage2(src: usize, dst: usize, s: i32, m: i32, tw: usize): void {
  const sb = <usize>s << 4, mb = <usize>m * sb;
  for (let p = 0; p < m; p++) {
    const w1 = tw + ((<usize>p * <usize>s) << 5);
    let x = src + <usize>p * sb, y = dst + <usize>(2 * p) * sb;
    const end = x + sb;
    for (; x < end; x += 16, y += 16) {
      const a0 = v128.load(x), a1 = v128.load(x + mb);
      v128.store(y, f32x4.add(a0, a1));
      v128.store(y + sb, cmul(f32x4.sub(a0, a1), w1));
    }
  }
}

function stage4(src: usize, dst: usize, s: i32, m: i32, tw: usize): void {
  const sb = <usize>s << 4, mb = <usize>m * sb;
  for (let p = 0; p < m; p++) {
    const ps = (<usize>p * <usize>s) << 5;
    const w1 = tw + ps, w2 = tw + 2 * ps, w3 = tw + 3 * ps;
    let x = src + <usize>p * sb, y = dst + <usize>(4 * p) * sb;
    const end = x + sb;
    for (; x < end; x += 16, y += 16) {
      const a0 = v128.load(x), a1 = v128.load(x + mb), a2 = v128.load(x + 2 * mb), a3 = v128.load(x + 3 * mb);
      const t0 = f32x4.add(a0, a2), t1 = f32x4.sub(a0, a2);
      const t2 = f32x4.add(a1, a3), t3 = mulNegI(f32x4.sub(a1, a3));
      v128.store(y, f32x4.add(t0, t2));
      v128.store(y + sb, cmul(f32x4.add(t1, t3), w1));
      v128.store(y + 2 * sb, cmul(f32x4.sub(t0, t2), w2));
      v128.store(y + 3 * sb, cmul(f32x4.sub(t1, t3), w3));
    }
  }
}

function stage3(src: usize, dst: usize, s: i32, m: i32, tw: usize): void {
  const sb = <usize>s << 4, mb = <usize>m * sb;
  const half = f32x4.splat(0.5), sin60 = f32x4.splat(<f32>0.86602540378443864676);
  for (let p = 0; p < m; p++) {
    const ps = (<usize>p * <usize>s) << 5;
    const w1 = tw + ps, w2 = tw + 2 * ps;
    let x = src + <usize>p * sb, y = dst + <usize>(3 * p) * sb;
    const end = x + sb;
    for (; x < end; x += 16, y += 16) {
      const a0 = v128.load(x), a1 = v128.load(x + mb), a2 = v128.load(x + 2 * mb);
      const t1 = f32x4.add(a1, a2);
      const t2 = f32x4.sub(a0, f32x4.mul(half, t1));
      const t3 = mulNegI(f32x4.mul(sin60, f32x4.sub(a1, a2)));
      v128.store(y, f32x4.add(a0, t1));
      v128.store(y + sb, cmul(f32x4.add(t2, t3), w1));
      v128.store(y + 2 * sb, cmul(f32x4.sub(t2, t3), w2));
    }
  }
}

function stage5(src: usize, dst: usize, s: i32, m: i32, tw: usize): void {
  const sb = <usize>s << 4, mb = <usize>m * sb;
  const c1 = f32x4.splat(<f32>0.30901699437494742410), c2 = f32x4.splat(<f32>-0.80901699437494742410);
  const s1 = f32x4.splat(<f32>0.95105651629515357212), s2 = f32x4.splat(<f32>0.58778525229247312917);
  for (let p = 0; p < m; p++) {
    const ps = (<usize>p * <usize>s) << 5;
    const w1 = tw + ps, w2 = tw + 2 * ps, w3 = tw + 3 * ps, w4 = tw + 4 * ps;
    let x = src + <usize>p * sb, y = dst + <usize>(5 * p) * sb;
    const end = x + sb;
    for (; x < end; x += 16, y += 16) {
      const a0 = v128.load(x), a1 = v128.load(x + mb), a2 = v128.load(x + 2 * mb);
      const a3 = v128.load(x + 3 * mb), a4 = v128.load(x + 4 * mb);
      const t1 = f32x4.add(a1, a4), t2 = f32x4.add(a2, a3), t3 = f32x4.sub(a1, a4), t4 = f32x4.sub(a2, a3);
      const r1 = f32x4.add(a0, f32x4.add(f32x4.mul(c1, t1), f32x4.mul(c2, t2)));
      const r2 = f32x4.add(a0, f32x4.add(f32x4.mul(c2, t1), f32x4.mul(c1, t2)));
      const i1 = mulNegI(f32x4.add(f32x4.mul(s1, t3), f32x4.mul(s2, t4)));
      const i2 = mulNegI(f32x4.sub(f32x4.mul(s2, t3), f32x4.mul(s1, t4)));
      v128.store(y, f32x4.add(a0, f32x4.add(t1, t2)));
      v128.store(y + sb, cmul(f32x4.add(r1, i1), w1));
      v128.store(y + 2 * sb, cmul(f32x4.add(r2, i2), w2));
      v128.store(y + 3 * sb, cmul(f32x4.sub(r2, i2), w3));
      v128.store(y + 4 * sb, cmul(f32x4.sub(r1, i1), w4));
    }
  }
}

/**
 * Forward DFT of n v128 elements at src into dst (src may equal dst), X_k = Σ_x x_j e^{−2πijk/n} on both complex
 * lanes pairs. tmpA and tmpB: n elements each, distinct from src and dst. The plan (fftPlan) needs at least
 * two stages; twPtr holds fftTwiddles(n) for all t in [0, n).
 */
export function fft(src: usize, dst: usize, tmpA: usize, tmpB: usize, n: i32, planPtr: usize, twPtr: usize): void {
  const stages = load<i32>(planPtr);
  let s = 1, len = n;
  let from = src;
  for (let t = 0; t < stages; t++) {
    const r = load<i32>(planPtr + 4 + (<usize>t << 2));
    const to = t == stages - 1 ? dst : (t & 1) == 0 ? tmpA : tmpB;
    const m = len / r;
    if (r == 4) stage4(from, to, s, m, twPtr);
    else if (r == 2) stage2(from, to, s, m, twPtr);
    else if (r == 3) stage3(from, to, s, m, twPtr);
    else stage5(from, to, s, m, twPtr);
    from = to;
    s *= r;
    len = m;
  }
}
