// The attraction–repulsion spectrum (SPEC §2). Neg-t-SNE's estimator uses ξ' = m·Z̄ / (n(n−1)); the slider s
// moves Z̄ log-linearly from Z_t = 100·n (s = 0, ≈ t-SNE) to Z_u = n(n−1)/5 (s = 1, UMAP's normalisation with
// UMAP's 5 negatives). Both ends are fixed in Z̄, whatever the number of negatives m: at fixed Z̄ the optimum
// does not depend on m (the paper's Theorem 1), m only lowers the variance, so s = 1 is UMAP's compactness at
// any m (there ξ' = m/5).

/** UMAP's negatives per edge: its normalisation Z̄ = n(n−1)/5 is the s = 1 end of the slider. */
export const UMAP_NEGATIVES = 5;

/** Z̄ at slider position s: Z_t·(Z_u/Z_t)^s with Z_t = 100·n and Z_u = n(n−1)/5, the same for every m. */
export function zBarAt(s: number, n: number): number {
  const zT = 100 * n;
  const zU = umapZBar(n);
  return zT * Math.pow(zU / zT, s);
}

/** Z̄ of UMAP's point (s = 1): n(n−1)/5. */
export function umapZBar(n: number): number {
  return (n * (n - 1)) / UMAP_NEGATIVES;
}

/** ξ' for a normalisation constant Z̄: the estimator is 1/(1 + ξ'(1 + D)). */
export function xiFor(zBar: number, n: number, negativeSamples: number): number {
  return (negativeSamples * zBar) / (n * (n - 1));
}

/** ξ' of the UMAP point with m negatives: m/5 (Z̄ = n(n−1)/5), where the early phase of "neg" runs. */
export function umapXi(negativeSamples: number): number {
  return negativeSamples / UMAP_NEGATIVES;
}

/** The NCE start of the reference: ξ' = m, i.e. Z = n(n−1). */
export function initialLogZ(n: number): number {
  return Math.log(n * (n - 1));
}
