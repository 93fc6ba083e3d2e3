// The contrastive losses. Every loss is the negative log of an estimator of "this pair is an edge", written as
// its derivative with respect to the squared embedding distance D of a pair, in one file of loss/ (the method
// contract is in loss/neg.ts) that also states its id (LOSS_<NAME>, read by the bindings for the loss of that
// name in the options table); the optimiser multiplies the coefficient by 2(y_i − y_j). Log arguments below the
// clamp give no gradient (SPEC §2). A positive coefficient attracts, a negative one repels.
//
// scripts/build-wasm.js writes loss/registry.ts from the files of loss/ before every build: the re-export of
// every id (exported by assembly/abi.ts) and the one dispatch from an id to its loss class,
//   withLoss<R>(runner: R, loss: i32, ctrl: usize, thread: i32): f64,
// which runs `runner.run<L>(changetype<L>(0), ctrl, thread)` with L the class of id `loss` and traps on an id the
// core does not know (the bindings and the core disagree). The loss is resolved there once per call, so every hot
// loop below compiles once per loss with the loss's methods inlined (no per-pair branch or indirect call). A
// runner is an unmanaged class with no fields and one generic method `run<L>(loss: L, ctrl: usize, thread: i32):
// f64`; ctrl is the task's control block (or, for the test hooks, any record the runner reads). Every task that
// runs a loss (the layout optimiser, the parametric trainer, the placement of new points, the test hooks) goes
// through withLoss, so adding a loss that is only per-pair coefficients is its file in loss/ alone (and its name
// in the options table of the bindings).

export { withLoss } from "./loss/registry";
