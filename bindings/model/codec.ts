// A handle's state ↔ the bytes of a saved model (docs/model-format.md). It sits below the handles (they call
// encode*) and knows only their state types (handle/state.ts); loadModel (../load.ts) turns decoded state back
// into handles.

import type { EmbeddingState, LayoutTarget, ParametricState } from "../handle/state.ts";
import type { EmbeddingOptions, Loss } from "../options/embedding.ts";
import { failModel } from "../errors.ts";
import { LIBRARY_VERSION } from "../version.ts";
import type { PcaBasisState } from "../pca/index.ts";
import { readContainer, writeContainer, type Container, type SectionData } from "./container.ts";

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

function pcaSections(sections: Record<string, SectionData>, pca: PcaBasisState | undefined) {
  if (!pca) return null;
  sections.pcaMean = pca.mean;
  sections.pcaComponents = pca.components;
  return { dim: pca.dim, nComponents: pca.nComponents };
}

function readPca(c: Container): PcaBasisState | undefined {
  // absent in version 1 parametric models: their network reads the rows as given
  const pca = c.header.pca === undefined ? null
    : field<{ dim: number; nComponents: number } | null>(c, "pca", (x) => x === null || (typeof x === "object" && isCount((x as { dim: unknown }).dim) && isCount((x as { nComponents: unknown }).nComponents)));
  if (pca === null) return undefined;
  return {
    dim: pca.dim, nComponents: pca.nComponents,
    mean: c.section("pcaMean", "f32", pca.dim) as Float32Array,
    components: c.section("pcaComponents", "f32", pca.dim * pca.nComponents) as Float32Array,
  };
}

export function encodeEmbedding(state: EmbeddingState): Uint8Array {
  const outDim = state.options.outDim ?? 2;
  const n = state.embedding.length / outDim;
  const sections: Record<string, SectionData> = { embedding: state.embedding, knnIndices: state.knnIndices };
  if (state.reference) sections.reference = state.reference;
  const pca = pcaSections(sections, state.pca);
  return writeContainer({
    ...common("embedding", n, state.inputDim, outDim, state.options, state.target),
    k: state.knnIndices.length / n, target: state.target ?? null, lastLoss: state.lastLoss, phases: state.phases,
    logZ: state.logZ ?? null, inputScaleExponent: state.inputScaleExponent ?? 0,
    pca, referenceDim: state.reference ? state.reference.length / n : null,
  }, sections, BASE_VERSION);
}

export function encodeParametric(state: ParametricState): Uint8Array {
  const { shape } = state;
  const sections: Record<string, SectionData> = { parameters: state.parameters, embedding: state.embedding };
  const pca = pcaSections(sections, state.pca);
  return writeContainer({
    ...common("parametric", state.embedding.length / shape.outDim, state.pca ? state.pca.dim : shape.inDim, shape.outDim, state.options),
    network: { ...shape }, inputScaleExponent: state.inputScaleExponent, pca,
  }, sections, pca ? PARAMETRIC_PCA_VERSION : BASE_VERSION);
}

const isCount = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0;

function field<T>(c: Container, name: string, check: (x: unknown) => boolean): T {
  const v = c.header[name];
  if (!check(v)) failModel(`corrupted model: header field "${name}" is ${JSON.stringify(v)}`);
  return v as T;
}

/** Reads a saved model's bytes into the state its handle restores from. */
export function decodeModel(bytes: Uint8Array): DecodedModel {
  const c = readContainer(bytes);
  if (c.header.library !== "cne-wasm") failModel("not a cne-wasm model (the header names another library)");
  const kind = field<ModelKind>(c, "kind", (x) => x === "embedding" || x === "parametric");
  const n = field<number>(c, "n", isCount), outDim = field<number>(c, "outDim", isCount);
  const options = field<EmbeddingOptions>(c, "options", (x) => x !== null && typeof x === "object");
  if (kind === "parametric") {
    const network = field<ParametricState["shape"]>(c, "network", (x) => x !== null && typeof x === "object");
    return {
      kind,
      state: {
        shape: network, parameters: c.section("parameters", "f32") as Float32Array,
        embedding: c.section("embedding", "f32", n * outDim) as Float32Array, options,
        inputScaleExponent: field<number>(c, "inputScaleExponent", Number.isInteger), pca: readPca(c),
      },
    };
  }
  const k = field<number>(c, "k", isCount);
  const inputDim = field<number | null>(c, "inputDim", (x) => x === null || isCount(x));
  const referenceDim = field<number | null>(c, "referenceDim", (x) => x === null || isCount(x));
  const logZ = field<number | null>(c, "logZ", (x) => x === null || typeof x === "number");
  const target = field<LayoutTarget | null>(c, "target", (x) => x === null || typeof x === "object");
  return {
    kind,
    state: {
      embedding: c.section("embedding", "f32", n * outDim) as Float32Array,
      knnIndices: c.section("knnIndices", "i32", n * k) as Int32Array,
      options, lastLoss: field<Loss>(c, "lastLoss", (x) => typeof x === "string"), phases: field<number>(c, "phases", isCount),
      logZ: logZ ?? undefined, target: target ?? undefined, inputDim: inputDim ?? undefined,
      inputScaleExponent: field<number>(c, "inputScaleExponent", Number.isInteger),
      reference: referenceDim === null ? undefined : (c.section("reference", "f32", n * referenceDim) as Float32Array),
      pca: readPca(c),
    },
  };
}
