// as-pect: unit tests of the core's internal helpers (assembly/__tests__/*.spec.ts), compiled with
// as-pect.asconfig.json. Exported kernels are tested from JavaScript with vitest (test/).
export default {
  entries: ["assembly/__tests__/**/*.spec.ts"],
  include: ["assembly/__tests__/**/*.include.ts"],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
