// The checks of a saved model's header fields, each against the format's bounds and against the other fields
// and section lengths, made before the loader allocates anything from them: a field that a hostile or damaged
// file sets out of range is a CneModelError naming it, never an allocation sized by it.

import { CneInputError, failModel } from "../errors.ts";
import { resolveParams } from "../embedding/params.ts";
import { EMBEDDING_OPTIONS, type EmbeddingOptions, type Loss } from "../options/embedding.ts";
import type { Container } from "./container.ts";
import { PAIR_LOSSES } from "../loss/table.ts";
import type { TsneState } from "../handle/state.ts";
import { tsneNeighbours } from "../tsne/params.ts";

/** The losses a saved layout may have been optimised for: the per-pair ones, and "tsne" (with the "tsne" field). */
export const LOSSES: readonly string[] = [...PAIR_LOSSES, "tsne"];
/** The widest network a model may hold: far above the shipped 3 × 100, far below anything that strains memory. */
export const MAX_HIDDEN_UNITS = 4096;
export const MAX_HIDDEN_LAYERS = 16;
/**
 * The exponents the loader accepts for inputScaleExponent: core/magnitude.ts brings any finite f32 into [1, 2)
 * with e = −floor(log2 max|x|), and f32 magnitudes lie in [2^−149, 2^128).
 */
export const MIN_SCALE_EXPONENT = -127;
export const MAX_SCALE_EXPONENT = 149;
/** The largest row count or width the core addresses (2^31 − 1). */
const MAX_INT32 = 2 ** 31 - 1;

const isInteger = (x: unknown, min: number, max: number): x is number => Number.isInteger(x) && (x as number) >= min && (x as number) <= max;
const isPositive = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x > 0;

/** Fails with the field's name, its value (shortened) and what it must be. */
export function badField(name: string, value: unknown, must: string): never {
  let text = JSON.stringify(value) ?? String(value);
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  failModel(`corrupted model: header field "${name}" is ${text}; it must be ${must}`);
}

/** A header field that must pass `check`; `must` says what it must be. */
export function field<T>(c: Container, name: string, check: (x: unknown) => boolean, must: string): T {
  const v = c.header[name];
  if (!check(v)) badField(name, v, must);
  return v as T;
}

export const count = (c: Container, name: string, min: number, max: number): number =>
  field<number>(c, name, (x) => isInteger(x, min, max), `an integer from ${min} to ${max}`);

export const scaleExponent = (c: Container): number =>
  field<number>(c, "inputScaleExponent", (x) => isInteger(x, MIN_SCALE_EXPONENT, MAX_SCALE_EXPONENT),
    `an integer from ${MIN_SCALE_EXPONENT} to ${MAX_SCALE_EXPONENT}`);

/** The fit's options: what the API accepts, with outDim matching the header's. */
export function options(c: Container, outDim: number): EmbeddingOptions {
  const o = field<EmbeddingOptions>(c, "options", (x) => x !== null && typeof x === "object" && !Array.isArray(x), "an object");
  for (const name of ["n", "dim", "init", "knnIndices", "threads", "onWarning", "signal", "onProgress"]) {
    if (name in o) badField(`options.${name}`, (o as Record<string, unknown>)[name], "absent (a model does not store it)");
  }
  try {
    resolveParams({ ...o, onWarning: () => {} });
  } catch (error) {
    if (error instanceof CneInputError) failModel(`corrupted model: header field "options": ${error.message.replace(/^cne-wasm: /, "")}`);
    throw error;
  }
  if ((o.outDim ?? 2) !== outDim) badField("options.outDim", o.outDim, `the header's outDim (${outDim})`);
  return o;
}

/** The PCA in front of the search or the network: null, or 1 ≤ nComponents ≤ dim = inputDim. */
export function pcaShape(c: Container, inputDim: number | null): { dim: number; nComponents: number } | null {
  const pca = c.header.pca;
  if (pca === undefined || pca === null) return null;
  if (typeof pca !== "object" || Array.isArray(pca)) badField("pca", pca, "null or { dim, nComponents }");
  const { dim, nComponents } = pca as { dim: unknown; nComponents: unknown };
  if (!isInteger(dim, 1, MAX_INT32)) badField("pca.dim", dim, `an integer from 1 to ${MAX_INT32}`);
  if (!isInteger(nComponents, 1, dim)) badField("pca.nComponents", nComponents, `an integer from 1 to pca.dim (${dim})`);
  if (inputDim !== null && dim !== inputDim) badField("pca.dim", dim, `the header's inputDim (${inputDim})`);
  return { dim, nComponents };
}

/**
 * What a layout was optimised for: a known loss ("tsne" only in a model with the "tsne" field, which a per-pair
 * loss may also have continued), finite positive ξ' and c, s and zBar as the header says.
 */
export function target(c: Container): { loss: Loss; s: number; zBar?: number; xi: number; c: number } | null {
  const t = c.header.target;
  if (t === null) return null;
  if (typeof t !== "object" || Array.isArray(t)) badField("target", t, "null or { loss, s, zBar, xi, c }");
  const { loss, s, zBar, xi, c: cValue } = t as Record<string, unknown>;
  const tsne = c.header.tsne !== undefined && c.header.tsne !== null;
  if (!LOSSES.includes(loss as string)) badField("target.loss", loss, `one of ${LOSSES.join(", ")}`);
  if (loss === "tsne" && !tsne) badField("target.loss", loss, 'a per-pair loss (the model has no "tsne" field)');
  if (typeof s !== "number" || !Number.isFinite(s)) badField("target.s", s, "a finite number");
  if (zBar !== undefined && !isPositive(zBar)) badField("target.zBar", zBar, "absent or a positive finite number");
  if (!isPositive(xi)) badField("target.xi", xi, "a positive finite number");
  if (loss !== "neg" && xi !== 1) badField("target.xi", xi, `1 for loss "${loss}"`);
  if (!isPositive(cValue)) badField("target.c", cValue, "a positive finite number");
  // the header's own loss, s and zBar are the target's (codec.ts writes them from it)
  if (c.header.loss !== loss) badField("loss", c.header.loss, `the target's loss ("${loss}")`);
  if (c.header.s !== s) badField("s", c.header.s, `the target's s (${s})`);
  if ((c.header.zBar ?? undefined) !== zBar) badField("zBar", c.header.zBar, `the target's zBar (${zBar ?? null})`);
  return { loss: loss as Loss, s, zBar: zBar as number | undefined, xi, c: cValue };
}

/** The floats of the MLP's parameters (assembly/parametric/model.ts, mlpParamCount), computed without the core. */
export function parameterCount(inDim: number, hidden: number, hiddenLayers: number, outDim: number): number {
  const pad8 = (x: number) => Math.ceil(x / 8) * 8;
  return (inDim + 1) * pad8(hidden) + (hiddenLayers - 1) * (hidden + 1) * pad8(hidden) + (hidden + 1) * pad8(outDim);
}

/** The network's shape: sane widths, outDim the header's, and a parameter count equal to the section's. */
export function networkShape(c: Container, outDim: number, parameters: number): { inDim: number; hidden: number; hiddenLayers: number; outDim: number } {
  const net = c.header.network;
  if (net === null || typeof net !== "object" || Array.isArray(net)) badField("network", net, "{ inDim, hidden, hiddenLayers, outDim }");
  const { inDim, hidden, hiddenLayers, outDim: netOut } = net as Record<string, unknown>;
  if (!isInteger(inDim, 1, MAX_INT32)) badField("network.inDim", inDim, `an integer from 1 to ${MAX_INT32}`);
  if (!isInteger(hidden, 1, MAX_HIDDEN_UNITS)) badField("network.hidden", hidden, `an integer from 1 to ${MAX_HIDDEN_UNITS}`);
  if (!isInteger(hiddenLayers, 1, MAX_HIDDEN_LAYERS)) badField("network.hiddenLayers", hiddenLayers, `an integer from 1 to ${MAX_HIDDEN_LAYERS}`);
  if (netOut !== outDim) badField("network.outDim", netOut, `the header's outDim (${outDim})`);
  const needed = parameterCount(inDim, hidden, hiddenLayers, outDim);
  if (needed !== parameters) {
    failModel(
      `corrupted model: header fields network.inDim = ${inDim}, network.hidden = ${hidden}, network.hiddenLayers = ${hiddenLayers} ` +
        `and network.outDim = ${outDim} need ${needed} parameters; the "parameters" section has ${parameters}`,
    );
  }
  return { inDim, hidden, hiddenLayers, outDim };
}

/** Fails unless every value is finite (a NaN or infinity in a stored layout or basis would spread to every output). */
export function checkFinite(name: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) failModel(`corrupted model: section "${name}" holds ${values[i]} at value ${i}`);
  }
}

/**
 * A t-SNE fit's fields: the header's "tsne" ({ perplexity, dof, z, iterationZ }) present exactly when
 * options.loss is "tsne", its perplexity and dof those the options resolve to for n points, k = 3·perplexity (or
 * options.k); a target of "tsne" has lastLoss "tsne" (a per-pair loss may have continued the fit: then both are
 * that loss's). Its sections, each optional: knnDistances (n × k, finite, ≥ 0), tsneUpdate and tsneGains (n × 2,
 * finite, together). Undefined for a per-pair fit.
 */
export function tsneFields(c: Container, n: number, options: EmbeddingOptions, k: number, layoutTarget: { loss: Loss } | null): TsneState | undefined {
  const t = c.header.tsne;
  const fitted = options.loss === "tsne";
  if (t === undefined || t === null) {
    if (fitted) badField("options.loss", options.loss, 'a per-pair loss: the model has no "tsne" field');
    if (c.header.lastLoss === "tsne") badField("lastLoss", c.header.lastLoss, 'a per-pair loss: the model has no "tsne" field');
    return undefined;
  }
  if (typeof t !== "object" || Array.isArray(t)) badField("tsne", t, "null or { perplexity, dof, z, iterationZ }");
  if (!fitted) badField("options.loss", options.loss ?? null, '"tsne" (the model has a "tsne" field)');
  if (layoutTarget?.loss === "tsne" && c.header.lastLoss !== "tsne") badField("lastLoss", c.header.lastLoss, '"tsne" (the target\'s loss)');
  const { perplexity, dof, z, iterationZ } = t as Record<string, unknown>;
  const p = resolveParams({ ...options, onWarning: () => {} });
  const resolved = tsneNeighbours(p.affinities, p.perplexity, p.kGiven ? p.k : undefined, n, () => {});
  if (perplexity !== resolved.perplexity) badField("tsne.perplexity", perplexity, `${resolved.perplexity}, what the options give for ${n} points`);
  if (k !== resolved.k) badField("k", k, `${resolved.k} for loss "tsne" (3·perplexity, or options.k)`);
  if (dof !== p.dof) badField("tsne.dof", dof, `options.dof (${p.dof})`);
  if (z !== null && !isPositive(z)) badField("tsne.z", z, "null or a positive finite number");
  // absent in models written before it was kept
  if (iterationZ !== undefined && iterationZ !== null && !isPositive(iterationZ)) badField("tsne.iterationZ", iterationZ, "null or a positive finite number");
  const state: TsneState = { perplexity: resolved.perplexity, dof: p.dof, z: (z as number | null) ?? undefined };
  if (isPositive(iterationZ)) state.iterationZ = iterationZ;
  if (c.has("knnDistances")) {
    const distances = c.section("knnDistances", "f32", n * k, "n × k") as Float32Array;
    checkFinite("knnDistances", distances);
    for (let i = 0; i < distances.length; i++) if (!(distances[i] >= 0)) failModel(`corrupted model: section "knnDistances" holds ${distances[i]} at value ${i}, not a distance`);
    state.distances = distances;
  }
  if (c.has("tsneUpdate") !== c.has("tsneGains")) failModel('corrupted model: the sections "tsneUpdate" and "tsneGains" come together');
  if (c.has("tsneUpdate")) {
    state.update = c.section("tsneUpdate", "f32", 2 * n, "n × 2") as Float32Array;
    state.gains = c.section("tsneGains", "f32", 2 * n, "n × 2") as Float32Array;
    checkFinite("tsneUpdate", state.update);
    checkFinite("tsneGains", state.gains);
  }
  return state;
}
