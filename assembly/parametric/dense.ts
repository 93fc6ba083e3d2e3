// The dense layer kernels of the MLP, four rows at a time: each weight vector loaded is used for four rows,
// and the outputs are SIMD over eight lanes (two v128) per pass. A caller with fewer than four rows points
// the missing ones at a zero row (inputs, deltas) and a dummy row (outputs), which contribute nothing.
// Weights are stored transposed (in × outStride), so the forward pass adds scaled weight rows.

import { horizontalSum } from "../util/simd";

/**
 * out_r = b + Σ_i x_r[i] · Wᵀ[i, :] for the four rows r, then ReLU when `relu`.
 * x0…x3: f32[inWidth] each (input rows); weights: f32[inWidth × outStride]; bias: f32[outStride];
 * outStride: a multiple of 8; o0…o3: f32[outStride] each (outputs, may not alias the inputs).
 */
export function denseForward4(
  x0: usize, x1: usize, x2: usize, x3: usize, inWidth: i32, weights: usize, bias: usize, outStride: i32,
  o0: usize, o1: usize, o2: usize, o3: usize, relu: bool,
): void {
  const rowBytes = <usize>outStride << 2;
  const zero = f32x4.splat(0);
  for (let g = 0; g < outStride; g += 8) {
    const go = <usize>g << 2;
    let a0 = v128.load(bias + go), a1 = v128.load(bias + go, 16);
    let b0 = a0, b1 = a1, c0 = a0, c1 = a1, d0 = a0, d1 = a1;
    let w = weights + go;
    for (let i = 0; i < inWidth; i++) {
      const xo = <usize>i << 2;
      const w0 = v128.load(w), w1 = v128.load(w, 16);
      const s0 = f32x4.splat(load<f32>(x0 + xo)), s1 = f32x4.splat(load<f32>(x1 + xo));
      const s2 = f32x4.splat(load<f32>(x2 + xo)), s3 = f32x4.splat(load<f32>(x3 + xo));
      a0 = f32x4.add(a0, f32x4.mul(s0, w0)); a1 = f32x4.add(a1, f32x4.mul(s0, w1));
      b0 = f32x4.add(b0, f32x4.mul(s1, w0)); b1 = f32x4.add(b1, f32x4.mul(s1, w1));
      c0 = f32x4.add(c0, f32x4.mul(s2, w0)); c1 = f32x4.add(c1, f32x4.mul(s2, w1));
      d0 = f32x4.add(d0, f32x4.mul(s3, w0)); d1 = f32x4.add(d1, f32x4.mul(s3, w1));
      w += rowBytes;
    }
    if (relu) {
      a0 = f32x4.max(a0, zero); a1 = f32x4.max(a1, zero); b0 = f32x4.max(b0, zero); b1 = f32x4.max(b1, zero);
      c0 = f32x4.max(c0, zero); c1 = f32x4.max(c1, zero); d0 = f32x4.max(d0, zero); d1 = f32x4.max(d1, zero);
    }
    v128.store(o0 + go, a0); v128.store(o0 + go, a1, 16);
    v128.store(o1 + go, b0); v128.store(o1 + go, b1, 16);
    v128.store(o2 + go, c0); v128.store(o2 + go, c1, 16);
    v128.store(o3 + go, d0); v128.store(o3 + go, d1, 16);
  }
}

/**
 * Backward pass of one layer for four rows, given g_r = ∂ℓ/∂(layer output before its activation):
 *   ∂ℓ/∂Wᵀ[i, :] += Σ_r x_r[i] · g_r,   ∂ℓ/∂b += Σ_r g_r,
 *   and, when dx0 ≠ 0, dx_r[i] = [x_r[i] > 0] · Σ_c Wᵀ[i, c] g_r[c] — the delta of the previous layer, whose
 *   ReLU output x_r is (x_r > 0 exactly where its input was).
 * x0…x3: f32[inWidth] each; weights, weightGrad: f32[inWidth × outStride]; biasGrad: f32[outStride];
 * g0…g3: f32[outStride] each, zero in the padding lanes; dx0…dx3: f32[inWidth] each, or all 0 to skip.
 */
export function denseBackward4(
  x0: usize, x1: usize, x2: usize, x3: usize, inWidth: i32, weights: usize, weightGrad: usize, biasGrad: usize,
  outStride: i32, g0: usize, g1: usize, g2: usize, g3: usize, dx0: usize, dx1: usize, dx2: usize, dx3: usize,
): void {
  const outBytes = <usize>outStride << 2;
  for (let o: usize = 0; o < outBytes; o += 16) {
    const s = f32x4.add(f32x4.add(v128.load(g0 + o), v128.load(g1 + o)), f32x4.add(v128.load(g2 + o), v128.load(g3 + o)));
    v128.store(biasGrad + o, f32x4.add(v128.load(biasGrad + o), s));
  }
  const zero = f32x4.splat(0);
  for (let i = 0; i < inWidth; i++) {
    const xo = <usize>i << 2;
    const v0 = load<f32>(x0 + xo), v1 = load<f32>(x1 + xo), v2 = load<f32>(x2 + xo), v3 = load<f32>(x3 + xo);
    const row = <usize>i * outBytes;
    const w = weights + row, dw = weightGrad + row;
    if (dx0 == 0) {
      if (v0 == 0 && v1 == 0 && v2 == 0 && v3 == 0) continue; // no weight gradient from this input
      const s0 = f32x4.splat(v0), s1 = f32x4.splat(v1), s2 = f32x4.splat(v2), s3 = f32x4.splat(v3);
      for (let o: usize = 0; o < outBytes; o += 16) {
        let acc = v128.load(dw + o);
        acc = f32x4.add(acc, f32x4.add(
          f32x4.add(f32x4.mul(s0, v128.load(g0 + o)), f32x4.mul(s1, v128.load(g1 + o))),
          f32x4.add(f32x4.mul(s2, v128.load(g2 + o)), f32x4.mul(s3, v128.load(g3 + o)))));
        v128.store(dw + o, acc);
      }
      continue;
    }
    const s0 = f32x4.splat(v0), s1 = f32x4.splat(v1), s2 = f32x4.splat(v2), s3 = f32x4.splat(v3);
    let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
    for (let o: usize = 0; o < outBytes; o += 16) {
      const wv = v128.load(w + o);
      const h0 = v128.load(g0 + o), h1 = v128.load(g1 + o), h2 = v128.load(g2 + o), h3 = v128.load(g3 + o);
      a0 = f32x4.add(a0, f32x4.mul(wv, h0)); a1 = f32x4.add(a1, f32x4.mul(wv, h1));
      a2 = f32x4.add(a2, f32x4.mul(wv, h2)); a3 = f32x4.add(a3, f32x4.mul(wv, h3));
      const acc = f32x4.add(v128.load(dw + o), f32x4.add(
        f32x4.add(f32x4.mul(s0, h0), f32x4.mul(s1, h1)), f32x4.add(f32x4.mul(s2, h2), f32x4.mul(s3, h3))));
      v128.store(dw + o, acc);
    }
    store<f32>(dx0 + xo, v0 > 0 ? horizontalSum(a0) : 0);
    store<f32>(dx1 + xo, v1 > 0 ? horizontalSum(a1) : 0);
    store<f32>(dx2 + xo, v2 > 0 ? horizontalSum(a2) : 0);
    store<f32>(dx3 + xo, v3 > 0 ? horizontalSum(a3) : 0);
  }
}
