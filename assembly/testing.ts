// The entry of the test build (build/test.wasm, single-thread like simd): every export of the production entry
// plus hooks that only tests call (the loss values and derivatives one pair at a time, the scalar reference of a
// batch's gradient). The production builds never export these; test/contract.test.ts checks both lists.

export * from "./index";
export { pairLossValue, infoNceLossValue } from "./optimize/check";
export { attractionCoefficient, repulsionCoefficient, nceLogZGradient, infoNceCoefficients } from "./optimize/derivatives";
export { batchGradient } from "./optimize/reference";
