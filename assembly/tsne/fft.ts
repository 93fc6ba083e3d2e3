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

// (a + ib)(c + id) on both complex numbers of v, with cc = (c, c, c, c) and dd = (−d, d, −d, d): v·c + swap(v)·(−d, d)
// @ts-ignore: decorator
@inline function cmul(v: v128, cc: v128, dd: v128): v128 {
  return f32x4.add(f32x4.mul(v, cc), f32x4.mul(v128.shuffle<f32>(v, v, 1, 0, 3, 2), dd));
}

// −i·(a + ib) = b − ia on both complex numbers
// @ts-ignore: decorator
@inline function mulNegI(v: v128): v128 {
  return v128.xor(v128.shuffle<f32>(v, v, 1, 0, 3, 2), i32x4(0, -0x80000000, 0, -0x80000000));
}

// Each stage: for p = 0 the twiddles are 1 and the products are skipped; otherwise they are loaded once per p
// (the compiler cannot keep them in registers across the stores of the inner loop on its own).

// @ts-ignore: decorator
@inline function run2(x: usize, y: usize, end: usize, sb: usize, mb: usize, twiddled: bool, c1: v128, d1: v128): void {
  for (; x < end; x += 16, y += 16) {
    const a0 = v128.load(x), a1 = v128.load(x + mb);
    const b1 = f32x4.sub(a0, a1);
    v128.store(y, f32x4.add(a0, a1));
    v128.store(y + sb, twiddled ? cmul(b1, c1, d1) : b1);
  }
}

function stage2(src: usize, dst: usize, s: i32, m: i32, tw: usize): void {
  const sb = <usize>s << 4, mb = <usize>m * sb;
  const zero = f32x4.splat(0);
  run2(src, dst, src + sb, sb, mb, false, zero, zero);
  for (let p = 1; p < m; p++) {
    const w1 = tw + ((<usize>p * <usize>s) << 5);
    const x = src + <usize>p * sb;
    run2(x, dst + <usize>(2 * p) * sb, x + sb, sb, mb, true, v128.load(w1), v128.load(w1, 16));
  }
}

// @ts-ignore: decorator
@inline function run4(x: usize, y: usize, end: usize, sb: usize, mb: usize, twiddled: bool,
                      c1: v128, d1: v128, c2: v128, d2: v128, c3: v128, d3: v128): void {
  for (; x < end; x += 16, y += 16) {
    const a0 = v128.load(x), a1 = v128.load(x + mb), a2 = v128.load(x + 2 * mb), a3 = v128.load(x + 3 * mb);
    const t0 = f32x4.add(a0, a2), t1 = f32x4.sub(a0, a2);
    const t2 = f32x4.add(a1, a3), t3 = mulNegI(f32x4.sub(a1, a3));
    const b1 = f32x4.add(t1, t3), b2 = f32x4.sub(t0, t2), b3 = f32x4.sub(t1, t3);
    v128.store(y, f32x4.add(t0, t2));
    v128.store(y + sb, twiddled ? cmul(b1, c1, d1) : b1);
    v128.store(y + 2 * sb, twiddled ? cmul(b2, c2, d2) : b2);
    v128.store(y + 3 * sb, twiddled ? cmul(b3, c3, d3) : b3);
  }
}

function stage4(src: usize, dst: usize, s: i32, m: i32, tw: usize): void {
  const sb = <usize>s << 4, mb = <usize>m * sb;
  const zero = f32x4.splat(0);
  run4(src, dst, src + sb, sb, mb, false, zero, zero, zero, zero, zero, zero);
  for (let p = 1; p < m; p++) {
    const ps = (<usize>p * <usize>s) << 5;
    const w1 = tw + ps, w2 = tw + 2 * ps, w3 = tw + 3 * ps;
    const x = src + <usize>p * sb;
    run4(x, dst + <usize>(4 * p) * sb, x + sb, sb, mb, true,
      v128.load(w1), v128.load(w1, 16), v128.load(w2), v128.load(w2, 16), v128.load(w3), v128.load(w3, 16));
  }
}

/** The first radix-4 stage (s = 1) of a sequence whose upper half is zero: a2 = a3 = 0, never read. */
function stage4HalfZero(src: usize, dst: usize, m: i32, tw: usize): void {
  const mb = <usize>m << 4;
  for (let p = 0; p < m; p++) {
    const ps = <usize>p << 5;
    const x = src + (<usize>p << 4), y = dst + (<usize>p << 6);
    const a0 = v128.load(x), a1 = v128.load(x + mb);
    const t3 = mulNegI(a1);
    const w1 = tw + ps, w2 = tw + 2 * ps, w3 = tw + 3 * ps;
    v128.store(y, f32x4.add(a0, a1));
    v128.store(y, cmul(f32x4.add(a0, t3), v128.load(w1), v128.load(w1, 16)), 16);
    v128.store(y, cmul(f32x4.sub(a0, a1), v128.load(w2), v128.load(w2, 16)), 32);
    v128.store(y, cmul(f32x4.sub(a0, t3), v128.load(w3), v128.load(w3, 16)), 48);
  }
}

// @ts-ignore: decorator
@inline function run3(x: usize, y: usize, end: usize, sb: usize, mb: usize, twiddled: bool,
                      c1: v128, d1: v128, c2: v128, d2: v128): void {
  const half = f32x4.splat(0.5), sin60 = f32x4.splat(<f32>0.86602540378443864676);
  for (; x < end; x += 16, y += 16) {
    const a0 = v128.load(x), a1 = v128.load(x + mb), a2 = v128.load(x + 2 * mb);
    const t1 = f32x4.add(a1, a2);
    const t2 = f32x4.sub(a0, f32x4.mul(half, t1));
    const t3 = mulNegI(f32x4.mul(sin60, f32x4.sub(a1, a2)));
    const b1 = f32x4.add(t2, t3), b2 = f32x4.sub(t2, t3);
    v128.store(y, f32x4.add(a0, t1));
    v128.store(y + sb, twiddled ? cmul(b1, c1, d1) : b1);
    v128.store(y + 2 * sb, twiddled ? cmul(b2, c2, d2) : b2);
  }
}

function stage3(src: usize, dst: usize, s: i32, m: i32, tw: usize): void {
  const sb = <usize>s << 4, mb = <usize>m * sb;
  const zero = f32x4.splat(0);
  run3(src, dst, src + sb, sb, mb, false, zero, zero, zero, zero);
  for (let p = 1; p < m; p++) {
    const ps = (<usize>p * <usize>s) << 5;
    const w1 = tw + ps, w2 = tw + 2 * ps;
    const x = src + <usize>p * sb;
    run3(x, dst + <usize>(3 * p) * sb, x + sb, sb, mb, true, v128.load(w1), v128.load(w1, 16), v128.load(w2), v128.load(w2, 16));
  }
}

// @ts-ignore: decorator
@inline function run5(x: usize, y: usize, end: usize, sb: usize, mb: usize, twiddled: bool,
                      c1w: v128, d1w: v128, c2w: v128, d2w: v128, c3w: v128, d3w: v128, c4w: v128, d4w: v128): void {
  const c1 = f32x4.splat(<f32>0.30901699437494742410), c2 = f32x4.splat(<f32>-0.80901699437494742410);
  const s1 = f32x4.splat(<f32>0.95105651629515357212), s2 = f32x4.splat(<f32>0.58778525229247312917);
  for (; x < end; x += 16, y += 16) {
    const a0 = v128.load(x), a1 = v128.load(x + mb), a2 = v128.load(x + 2 * mb);
    const a3 = v128.load(x + 3 * mb), a4 = v128.load(x + 4 * mb);
    const t1 = f32x4.add(a1, a4), t2 = f32x4.add(a2, a3), t3 = f32x4.sub(a1, a4), t4 = f32x4.sub(a2, a3);
    const r1 = f32x4.add(a0, f32x4.add(f32x4.mul(c1, t1), f32x4.mul(c2, t2)));
    const r2 = f32x4.add(a0, f32x4.add(f32x4.mul(c2, t1), f32x4.mul(c1, t2)));
    const i1 = mulNegI(f32x4.add(f32x4.mul(s1, t3), f32x4.mul(s2, t4)));
    const i2 = mulNegI(f32x4.sub(f32x4.mul(s2, t3), f32x4.mul(s1, t4)));
    const b1 = f32x4.add(r1, i1), b2 = f32x4.add(r2, i2), b3 = f32x4.sub(r2, i2), b4 = f32x4.sub(r1, i1);
    v128.store(y, f32x4.add(a0, f32x4.add(t1, t2)));
    v128.store(y + sb, twiddled ? cmul(b1, c1w, d1w) : b1);
    v128.store(y + 2 * sb, twiddled ? cmul(b2, c2w, d2w) : b2);
    v128.store(y + 3 * sb, twiddled ? cmul(b3, c3w, d3w) : b3);
    v128.store(y + 4 * sb, twiddled ? cmul(b4, c4w, d4w) : b4);
  }
}

function stage5(src: usize, dst: usize, s: i32, m: i32, tw: usize): void {
  const sb = <usize>s << 4, mb = <usize>m * sb;
  const zero = f32x4.splat(0);
  run5(src, dst, src + sb, sb, mb, false, zero, zero, zero, zero, zero, zero, zero, zero);
  for (let p = 1; p < m; p++) {
    const ps = (<usize>p * <usize>s) << 5;
    const w1 = tw + ps, w2 = tw + 2 * ps, w3 = tw + 3 * ps, w4 = tw + 4 * ps;
    const x = src + <usize>p * sb;
    run5(x, dst + <usize>(5 * p) * sb, x + sb, sb, mb, true, v128.load(w1), v128.load(w1, 16), v128.load(w2), v128.load(w2, 16),
      v128.load(w3), v128.load(w3, 16), v128.load(w4), v128.load(w4, 16));
  }
}

/**
 * Forward DFT of n v128 elements at src into dst (src may equal dst), X_k = Σ_x x_j e^{−2πijk/n} on both complex
 * lanes pairs. tmpA and tmpB: n elements each, distinct from src and dst. The plan (fftPlan) needs at least
 * two stages; twPtr holds fftTwiddles(n) for all t in [0, n).
 */
export function fft(src: usize, dst: usize, tmpA: usize, tmpB: usize, n: i32, planPtr: usize, twPtr: usize): void {
  fftFrom(src, dst, tmpA, tmpB, n, planPtr, twPtr, false);
}

/**
 * fft of a sequence whose upper half (elements n/2 .. n − 1) is zero, which is then never read: the convolution's
 * zero-padded inputs. The plan's first radix must be 4 (n a multiple of 4, as smoothSize gives).
 */
export function fftUpperHalfZero(src: usize, dst: usize, tmpA: usize, tmpB: usize, n: i32, planPtr: usize, twPtr: usize): void {
  fftFrom(src, dst, tmpA, tmpB, n, planPtr, twPtr, true);
}

// @ts-ignore: decorator
@inline function fftFrom(src: usize, dst: usize, tmpA: usize, tmpB: usize, n: i32, planPtr: usize, twPtr: usize, halfZero: bool): void {
  const stages = load<i32>(planPtr);
  let s = 1, len = n;
  let from = src;
  for (let t = 0; t < stages; t++) {
    const r = load<i32>(planPtr + 4 + (<usize>t << 2));
    const to = t == stages - 1 ? dst : (t & 1) == 0 ? tmpA : tmpB;
    const m = len / r;
    if (halfZero && t == 0) stage4HalfZero(from, to, m, twPtr);
    else if (r == 4) stage4(from, to, s, m, twPtr);
    else if (r == 2) stage2(from, to, s, m, twPtr);
    else if (r == 3) stage3(from, to, s, m, twPtr);
    else stage5(from, to, s, m, twPtr);
    from = to;
    s *= r;
    len = m;
  }
}
