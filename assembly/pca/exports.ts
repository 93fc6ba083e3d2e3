// The PCA concern's sequential kernels, re-exported for the ABI (assembly/index.ts re-exports this list).
export { pcaReduceMeans } from "./stats";
export {
  pcaCrossF64, pcaCholeskyInverse, pcaSymmetricEigen, pcaColumnsToF32, pcaSymmetrize, pcaGaussianBlock,
  pcaIdentity, pcaFixSigns, pcaF32ToF64,
} from "./small";
export { multiplyScratchBytes as pcaMultiplyScratchBytes } from "./gemm";
