// The attraction–repulsion spectrum (SPEC §2). Neg-t-SNE's estimator uses ξ' = m·Z̄ / (n(n−1)); the slider s
// moves Z̄ log-linearly from Z_t = 100·n (s = 0, ≈ t-SNE) to Z_u = n(n−1)/m (s = 1, UMAP's ξ' = 1).

/** Z̄ at slider position s (the paper's version, with Z_u = n(n−1)/m). */
export function zBarAt(s: number, n: number, negativeSamples: number): number {
  const zT = 100 * n;
  const zU = (n * (n - 1)) / negativeSamples;
  return zT * Math.pow(zU / zT, s);
}

/** ξ' for a normalisation constant Z̄: the estimator is 1/(1 + ξ'(1 + D)). */
export function xiFor(zBar: number, n: number, negativeSamples: number): number {
  return (negativeSamples * zBar) / (n * (n - 1));
}

/** The NCE start of the reference: ξ' = m, i.e. Z = n(n−1). */
export function initialLogZ(n: number): number {
  return Math.log(n * (n - 1));
}
