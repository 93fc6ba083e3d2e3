// A handle's state ↔ the bytes of a saved model (docs/model-format.md). It sits below the handles (they call
// encode*) and knows only their state types (handle/state.ts); loadModel (../load.ts) turns decoded state back
// into handles.

import type { EmbeddingState, LayoutTarget, ParametricState } from "../handle/state.ts";
import type { EmbeddingOptions, Loss } from "../options/embedding.ts";
import { failModel } from "../errors.ts";
import { LIBRARY_VERSION } from "../version.ts";
import type { PcaBasisState } from "../pca/index.ts";
import { readContainer, writeContainer, type Container, type SectionData } from "./container.ts";
import { EMBEDDING_OPTIONS } from "../options/embedding.ts";
import {
  badField, checkFinite, count, field, LOSSES, networkShape, options as checkedOptions, pcaShape, scaleExponent, target, tsneFields,
} from "./fields.ts";

export type ModelKind = "embedding" | "parametric";

export type DecodedModel = { kind: "embedding"; state: EmbeddingState } | { kind: "parametric"; state: ParametricState };

/** The fields every model's header has, whatever its kind. */
function common(kind: ModelKind, n: number, inputDim: number | undefined, outDim: number, options: EmbeddingOptions, target?: LayoutTarget) {
  return {
    library: "cne-wasm", libraryVersion: LIBRARY_VERSION, kind, n, inputDim: inputDim ?? null, outDim,
    loss: target?.loss ?? options.loss ?? "neg", s: target?.s ?? options.s ?? 0, zBar: target?.zBar ?? options.zBar ?? null,
    options,
  };
}

/** Format versions (container.ts): 1 for every model a version 1 reader reads correctly. */
const BASE_VERSION = 1;
/** A parametric model whose network reads PCA scores: a version 1 reader would skip the PCA. */
const PARAMETRIC_PCA_VERSION = 2;
/** A t-SNE layout: a version 2 reader knows no "tsne" loss (it would call the file corrupted, not newer). */
const TSNE_VERSION = 3;
/** A t-SNE fit whose layout a per-pair loss moved last: a version 3 reader wants lastLoss "tsne" with a "tsne" field. */
const TSNE_PAIRS_VERSION = 4;
/** A fit given the search options pca or targetRecall: a version 4 reader knows neither option (it would call them corrupted). */
const SEARCH_OPTIONS_VERSION = 5;

/** The oldest version whose readers know every option the model keeps. */
function optionsVersion(options: EmbeddingOptions): number {
  return options.pca !== undefined || options.targetRecall !== undefined ? SEARCH_OPTIONS_VERSION : BASE_VERSION;
}

function pcaSections(sections: Record<string, SectionData>, pca: PcaBasisState | undefined) {
  if (!pca) return null;
  sections.pcaMean = pca.mean;
  sections.pcaComponents = pca.components;
  return { dim: pca.dim, nComponents: pca.nComponents };
}

/**
 * A model whose fit was given `pca` has the PCA it asked for: none for false, that many components for a number
 * (a parametric network reads through it; an embedding searched its reference rows in it).
 */
function checkPcaOption(options: EmbeddingOptions, pca: { nComponents: number } | undefined): void {
  if (options.pca === false && pca) badField("pca", { nComponents: pca.nComponents }, "null: options.pca is false");
  if (typeof options.pca === "number" && pca?.nComponents !== options.pca) {
    badField("pca", pca ? { nComponents: pca.nComponents } : null, `a PCA of options.pca = ${options.pca} components`);
  }
}

function readPca(c: Container, inputDim: number | null): PcaBasisState | undefined {
  // absent in version 1 parametric models: their network reads the rows as given
  const pca = pcaShape(c, inputDim);
  if (pca === null) return undefined;
  const mean = c.section("pcaMean", "f32", pca.dim, "pca.dim") as Float32Array;
  const components = c.section("pcaComponents", "f32", pca.dim * pca.nComponents, "pca.dim × pca.nComponents") as Float32Array;
  checkFinite("pcaMean", mean);
  checkFinite("pcaComponents", components);
  return { dim: pca.dim, nComponents: pca.nComponents, mean, components };
}

export function encodeEmbedding(state: EmbeddingState): Uint8Array {
  const outDim = state.options.outDim ?? 2;
  const n = state.embedding.length / outDim;
  const sections: Record<string, SectionData> = { embedding: state.embedding, knnIndices: state.knnIndices };
  if (state.reference) sections.reference = state.reference;
  const pca = pcaSections(sections, state.pca);
  const tsne = state.tsne;
  if (tsne?.distances) sections.knnDistances = tsne.distances;
  if (tsne?.update && tsne.gains) {
    sections.tsneUpdate = tsne.update;
    sections.tsneGains = tsne.gains;
  }
  const version = !tsne ? BASE_VERSION : state.lastLoss === "tsne" && state.target?.loss === "tsne" ? TSNE_VERSION : TSNE_PAIRS_VERSION;
  return writeContainer({
    ...common("embedding", n, state.inputDim, outDim, state.options, state.target),
    k: state.knnIndices.length / n, target: state.target ?? null, lastLoss: state.lastLoss, phases: state.phases,
    logZ: state.logZ ?? null, inputScaleExponent: state.inputScaleExponent ?? 0,
    pca, referenceDim: state.reference ? state.reference.length / n : null,
    ...(tsne && { tsne: { perplexity: tsne.perplexity, dof: tsne.dof, z: tsne.z ?? null, iterationZ: tsne.iterationZ ?? null } }),
  }, sections, Math.max(version, optionsVersion(state.options)));
}

export function encodeParametric(state: ParametricState): Uint8Array {
  const { shape } = state;
  const sections: Record<string, SectionData> = { parameters: state.parameters, embedding: state.embedding };
  const pca = pcaSections(sections, state.pca);
  return writeContainer({
    ...common("parametric", state.embedding.length / shape.outDim, state.pca ? state.pca.dim : shape.inDim, shape.outDim, state.options),
    network: { ...shape }, inputScaleExponent: state.inputScaleExponent, pca,
  }, sections, Math.max(pca ? PARAMETRIC_PCA_VERSION : BASE_VERSION, optionsVersion(state.options)));
}

/** Every field and section length checked (fields.ts) before anything is allocated from it. */
function decodeParametric(c: Container, n: number, outDim: number, options: EmbeddingOptions): DecodedModel {
  const inputDim = field<number | null>(c, "inputDim", (x) => x === null || (Number.isInteger(x) && (x as number) >= 1), "null or a positive integer");
  const stored = c.lengthOf("parameters");
  if (stored === undefined) failModel('the model has no "parameters" section');
  const network = networkShape(c, outDim, stored);
  const pca = readPca(c, inputDim);
  checkPcaOption(options, pca);
  if (pca && pca.nComponents !== network.inDim) badField("network.inDim", network.inDim, `pca.nComponents (${pca.nComponents})`);
  if (!pca && inputDim !== null && inputDim !== network.inDim) badField("network.inDim", network.inDim, `the header's inputDim (${inputDim})`);
  const parameters = c.section("parameters", "f32", stored) as Float32Array;
  const embedding = c.section("embedding", "f32", n * outDim, "n × outDim") as Float32Array;
  checkFinite("parameters", parameters);
  checkFinite("embedding", embedding);
  return {
    kind: "parametric",
    state: { shape: network, parameters, embedding, options, inputScaleExponent: scaleExponent(c), pca },
  };
}

function decodeEmbedding(c: Container, n: number, outDim: number, options: EmbeddingOptions): DecodedModel {
  const k = count(c, "k", 1, Math.min(n - 1, EMBEDDING_OPTIONS.k.max));
  if (options.k !== undefined && options.k !== k) badField("k", k, `options.k (${options.k})`);
  const inputDim = field<number | null>(c, "inputDim", (x) => x === null || (Number.isInteger(x) && (x as number) >= 1), "null or a positive integer");
  const referenceDim = field<number | null>(c, "referenceDim", (x) => x === null || (Number.isInteger(x) && (x as number) >= 1), "null or a positive integer");
  const logZ = field<number | null>(c, "logZ", (x) => x === null || (typeof x === "number" && Number.isFinite(x)), "null or a finite number");
  const layoutTarget = target(c);
  const lastLoss = field<Loss>(c, "lastLoss", (x) => LOSSES.includes(x as string), `one of ${LOSSES.join(", ")}`);
  const phases = count(c, "phases", 0, 2 ** 31 - 1);
  const tsne = tsneFields(c, n, options, k, layoutTarget);
  const inputScaleExponent = scaleExponent(c);
  const pca = readPca(c, inputDim);
  if (referenceDim !== null) checkPcaOption(options, pca);
  // a reference section that the header does not describe is a damaged header, not a model without reference rows
  if (referenceDim === null && c.lengthOf("reference") !== undefined) badField("referenceDim", null, 'the width of the "reference" section\'s rows');
  if (referenceDim !== null) {
    const expected = pca ? pca.nComponents : inputDim;
    if (referenceDim !== expected) badField("referenceDim", referenceDim, pca ? `pca.nComponents (${expected})` : `the header's inputDim (${inputDim})`);
  }
  const embedding = c.section("embedding", "f32", n * outDim, "n × outDim") as Float32Array;
  const knnIndices = c.section("knnIndices", "i32", n * k, "n × k") as Int32Array;
  checkFinite("embedding", embedding);
  for (let i = 0; i < knnIndices.length; i++) {
    const j = knnIndices[i];
    if (!(j >= 0 && j < n)) failModel(`corrupted model: section "knnIndices" holds ${j} at value ${i}, not a row index in [0, ${n})`);
  }
  const reference = referenceDim === null ? undefined : (c.section("reference", "f32", n * referenceDim, "n × referenceDim") as Float32Array);
  if (reference) checkFinite("reference", reference);
  return {
    kind: "embedding",
    state: {
      embedding, knnIndices, options, lastLoss, phases, logZ: logZ ?? undefined, target: layoutTarget ?? undefined,
      inputDim: inputDim ?? undefined, inputScaleExponent, reference, pca, tsne,
    },
  };
}

/** Reads a saved model's bytes into the state its handle restores from. */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  const c = readContainer(bytes);
  if (c.header.library !== "cne-wasm") failModel("not a cne-wasm model (the header names another library)");
  const kind = field<ModelKind>(c, "kind", (x) => x === "embedding" || x === "parametric", '"embedding" or "parametric"');
  const outDim = count(c, "outDim", EMBEDDING_OPTIONS.outDim.min, EMBEDDING_OPTIONS.outDim.max);
  // an embedding needs more points than neighbours (k ≥ 1) and at least 3; a parametric layout at least 1
  const n = count(c, "n", kind === "embedding" ? 3 : 1, 2 ** 31 - 1);
  const options = checkedOptions(c, outDim);
  return kind === "parametric" ? decodeParametric(c, n, outDim, options) : decodeEmbedding(c, n, outDim, options);
}
