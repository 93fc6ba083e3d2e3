// Sequential exports of the parametric mode (listed in assembly/index.ts).
export { mlpInitParams, mlpParamCount } from "./model";
export { mlpForwardRows, mlpBackwardRows } from "./rows";
