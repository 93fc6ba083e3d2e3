// Every loss: the analytic derivative the optimiser uses against a central finite difference of the loss value.
import { beforeAll, describe, expect, it } from "vitest";
import { rawCore } from "./core.ts";

type Kernels = {
  pairLossValue(loss: number, positive: number, d: number, xi: number): number;
  infoNceLossValue(dPos: number, dNegPtr: number, m: number, c: number): number;
  attractionCoefficient(loss: number, d: number, xi: number, clamp: number): number;
  repulsionCoefficient(loss: number, d: number, xi: number, clamp: number): number;
  nceLogZGradient(positive: number, d: number, xi: number, clamp: number): number;
  infoNceCoefficients(kernelsPtr: number, m: number, phiPos: number, total: number, c: number): number;
};

const LOSS = { neg: 0, nce: 1, infonce: 2, umap: 3 };
const CLAMP = 1e-10;
let core: Awaited<ReturnType<typeof rawCore<Kernels>>>;
beforeAll(async () => { core = await rawCore<Kernels>(); });

function relClose(analytic: number, numeric: number, tol = 2e-3) {
  expect(Math.abs(analytic - numeric)).toBeLessThan(tol * Math.max(1e-6, Math.abs(numeric)) + 1e-7);
}

const distances = [0, 0.01, 0.3, 1, 4, 25, 400];
const xis = [1, 0.0071, 0.05, 7.5];

describe("neg and nce (the estimator 1/(1 + ξ'(1 + D)))", () => {
  for (const xi of xis) {
    it(`∂ℓ/∂D matches finite differences at ξ' = ${xi}`, () => {
      for (const d of distances) {
        const h = Math.max(1e-4, d * 1e-4);
        const lo = Math.max(0, d - h), hi = d + h;
        for (const positive of [1, 0]) {
          const numeric = (core.pairLossValue(LOSS.neg, positive, hi, xi) - core.pairLossValue(LOSS.neg, positive, lo, xi)) / (hi - lo);
          const analytic = positive
            ? core.attractionCoefficient(LOSS.neg, d, xi, CLAMP)
            : core.repulsionCoefficient(LOSS.neg, d, xi, CLAMP);
          relClose(analytic, numeric);
          // nce uses the very same estimator
          const nce = positive ? core.attractionCoefficient(LOSS.nce, d, xi, CLAMP) : core.repulsionCoefficient(LOSS.nce, d, xi, CLAMP);
          expect(nce).toBe(analytic);
        }
      }
    });
  }

  it("repulsion is bounded at D = 0 and attraction is bounded everywhere", () => {
    for (const xi of xis) {
      expect(Number.isFinite(core.repulsionCoefficient(LOSS.neg, 0, xi, CLAMP))).toBe(true);
      expect(core.attractionCoefficient(LOSS.neg, 0, xi, CLAMP)).toBeLessThanOrEqual(xi);
    }
  });

  it("NCE's ∂ℓ/∂log Z matches finite differences (ξ' ∝ Z)", () => {
    for (const xi of xis) {
      for (const d of distances) {
        const h = 1e-4;
        for (const positive of [1, 0]) {
          const numeric = (core.pairLossValue(LOSS.nce, positive, d, xi * Math.exp(h)) - core.pairLossValue(LOSS.nce, positive, d, xi * Math.exp(-h))) / (2 * h);
          relClose(core.nceLogZGradient(positive, d, xi, CLAMP), numeric);
        }
      }
    }
  });

  it("gives no gradient where the log argument is below the clamp", () => {
    // positive: e = 1/(1 + ξ'u) < 1e-4 when ξ'u > 9999
    expect(core.attractionCoefficient(LOSS.neg, 2e4, 1, 1e-4)).toBe(0);
    expect(core.attractionCoefficient(LOSS.neg, 2e3, 1, 1e-4)).toBeGreaterThan(0);
    // negative: 1 − e = ξ'u/(1 + ξ'u) < 1e-4 for tiny ξ'
    expect(core.repulsionCoefficient(LOSS.neg, 0, 1e-6, 1e-4)).toBe(0);
  });
});

describe("umap (a = b = 1)", () => {
  it("∂ℓ/∂D matches finite differences, with the ε guard in the repulsion", () => {
    for (const d of distances.filter((x) => x > 0)) {
      const h = d * 1e-4;
      for (const positive of [1, 0]) {
        const numeric = (core.pairLossValue(LOSS.umap, positive, d + h, 0) - core.pairLossValue(LOSS.umap, positive, d - h, 0)) / (2 * h);
        const analytic = positive
          ? core.attractionCoefficient(LOSS.umap, d, 0, CLAMP)
          : core.repulsionCoefficient(LOSS.umap, d, 0, CLAMP);
        relClose(analytic, numeric, 5e-3);
      }
    }
    expect(Number.isFinite(core.repulsionCoefficient(LOSS.umap, 1e-9, 0, 1e-12))).toBe(true);
  });
});

describe("infonce", () => {
  for (const c of [1, 4, 0.25]) {
    it(`∂ℓ/∂D₊ and ∂ℓ/∂D_k match finite differences (c = ${c})`, () => {
      const m = 5;
      const dNeg = [0.2, 1.5, 3, 0.01, 9];
      const dPos = 0.7;
      const dPtr = core.allocate(m * 8);
      const kPtr = core.allocate(m * 4);
      const dView = () => new Float64Array(core.memory.buffer, dPtr, m);
      dView().set(dNeg);
      const phis = dNeg.map((d) => 1 / (1 + d));
      const phiPos = 1 / (1 + dPos);
      new Float32Array(core.memory.buffer, kPtr, m).set(phis);
      const total = phiPos + phis.reduce((a, b) => a + b, 0);
      const attract = core.infoNceCoefficients(kPtr, m, phiPos, total, c);
      const coefs = Array.from(new Float32Array(core.memory.buffer, kPtr, m));
      const h = 1e-5;
      const numericPos = (core.infoNceLossValue(dPos + h, dPtr, m, c) - core.infoNceLossValue(dPos - h, dPtr, m, c)) / (2 * h);
      relClose(attract, numericPos);
      for (let r = 0; r < m; r++) {
        const up = dNeg.slice(); up[r] += h;
        const down = dNeg.slice(); down[r] -= h;
        dView().set(up);
        const a = core.infoNceLossValue(dPos, dPtr, m, c);
        dView().set(down);
        const b = core.infoNceLossValue(dPos, dPtr, m, c);
        relClose(coefs[r], (a - b) / (2 * h));
      }
    });
  }
});
