// The contrastive losses: their ids (mirrored in the bindings) and where each lives. Every loss is the negative
// log of an estimator of "this pair is an edge", written as its derivative with respect to the squared
// embedding distance D of a pair in one file of loss/ (the method contract is in loss/neg.ts); the optimiser
// multiplies the coefficient by 2(y_i − y_j). Log arguments below the clamp give no gradient (SPEC §2).
// A positive coefficient attracts, a negative one repels. Adding a loss: a file in loss/, an id here, and a
// line in optimizeTask (sgd.ts), trainTask (parametric/train.ts) and derivatives.ts.

export const LOSS_NEG: i32 = 0; // Neg-t-SNE: fixed normalisation, ξ' = m·Z̄ / (n(n−1))  (loss/neg.ts)
export const LOSS_NCE: i32 = 1; // NCVis: the same estimator with a learned log Z       (loss/nce.ts)
export const LOSS_INFONCE: i32 = 2; // InfoNC-t-SNE: softmax over the positive and its negatives (loss/infonce.ts)
export const LOSS_UMAP: i32 = 3; // UMAP with a = b = 1                                  (loss/umap.ts)

/** UMAP's guard against the 1/D pole of its repulsion (umap-learn adds 0.001 to D too). */
export const UMAP_EPSILON: f32 = 0.001;
