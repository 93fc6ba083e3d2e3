// The ABI contract: both builds export the same list, the bindings' view (bindings/core/abi.ts) names every
// export with the right parameter count, and every layout constant the bindings read exists with one value.
// The test build (assembly/testing.ts) exports the production list plus the test hooks below, which the
// production builds must not export.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FUNCTION_ARITY, LAYOUT, TASK_ARGS, globalName, layoutGlobalNames, readLayout, taskSlots } from "../bindings/core/abi.ts";

const builds = ["simd", "threads"] as const;

/** The test build's hooks and their parameter counts (assembly/testing.ts). */
const TEST_HOOK_ARITY = {
  pairLossValue: 4, infoNceLossValue: 4, attractionCoefficient: 4, repulsionCoefficient: 4, nceLogZGradient: 4,
  infoNceCoefficients: 5, batchGradient: 8,
};

async function instance(build: (typeof builds)[number] | "test"): Promise<WebAssembly.Exports> {
  const module = new WebAssembly.Module(readFileSync(new URL(`../build/${build}.wasm`, import.meta.url)));
  const memory = new WebAssembly.Memory({ initial: 32, maximum: 32768, shared: true });
  const { exports } = await WebAssembly.instantiate(module, build === "threads" ? { env: { memory, sleepWhileEqual: () => {} } } : {});
  return exports;
}

describe("the core's ABI", () => {
  it("the test build exports the production functions plus the test hooks, and the same constants", async () => {
    const exports = await instance("test");
    const functions = Object.entries(exports).filter(([, v]) => typeof v === "function");
    const actual = Object.fromEntries(functions.map(([name, f]) => [name, (f as (...a: unknown[]) => unknown).length]));
    expect(actual).toEqual({ ...FUNCTION_ARITY, ...TEST_HOOK_ARITY });
    for (const name of Object.keys(TEST_HOOK_ARITY)) expect(FUNCTION_ARITY).not.toHaveProperty(name);
    expect(readLayout(exports)).toEqual(readLayout(await instance("simd")));
  });

  it("both builds export the same names with the same kinds", () => {
    const list = (b: string) =>
      WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(new URL(`../build/${b}.wasm`, import.meta.url))))
        .map((e) => `${e.name}:${e.kind}`)
        .sort();
    expect(list("threads")).toEqual(list("simd"));
  });

  for (const build of builds) {
    it(`${build}: every function the bindings declare is exported with its parameter count, and no other`, async () => {
      const exports = await instance(build);
      const functions = Object.entries(exports).filter(([, v]) => typeof v === "function");
      const actual = Object.fromEntries(functions.map(([name, f]) => [name, (f as (...a: unknown[]) => unknown).length]));
      expect(actual).toEqual({ ...FUNCTION_ARITY });
    });

    it(`${build}: the bindings read every constant the core exports, and each exists`, async () => {
      const exports = await instance(build);
      const globals = Object.entries(exports).filter(([, v]) => v instanceof WebAssembly.Global).map(([name]) => name);
      expect(globals.sort()).toEqual(layoutGlobalNames().sort());
      expect(() => readLayout(exports)).not.toThrow();
    });
  }

  it("both builds agree on every layout constant", async () => {
    const [simd, threads] = await Promise.all(builds.map(async (b) => readLayout(await instance(b))));
    expect(threads).toEqual(simd);
  });

  it("the layout is consistent: control fields fit before the arguments, slots fit the block, ids are distinct", async () => {
    const layout = readLayout(await instance("simd"));
    const c = layout.ctrl;
    for (const key of LAYOUT.ctrl.keys) {
      if (key === "args" || key === "maxArgs" || key === "bytes") continue;
      expect(c[key] % 4, key).toBe(0);
      expect(c[key] + 4, key).toBeLessThanOrEqual(c.args);
    }
    expect(c.args + 8 * c.maxArgs).toBeLessThanOrEqual(c.bytes);
    // every task has its argument slots, distinct and inside the block (its groups together)
    expect(Object.keys(TASK_ARGS).sort()).toEqual([...LAYOUT.task.keys].sort());
    for (const task of LAYOUT.task.keys) {
      const slots = Object.values(taskSlots(layout, task));
      expect(slots.length, task).toBeGreaterThan(0);
      expect(new Set(slots).size, task).toBe(slots.length);
      for (const s of slots) {
        expect(Number.isInteger(s) && s >= 0, task).toBe(true);
        expect(s, task).toBeLessThan(c.maxArgs);
      }
    }
    const tasks = Object.values(layout.task);
    expect(new Set(tasks).size).toBe(tasks.length);
    const fields = Object.values(layout.model);
    expect(new Set(fields).size).toBe(fields.length);
    for (const f of fields) expect(f + 4).toBeLessThanOrEqual(layout.modelRecord.bytes);
  });

  it("names map to the core's globals in upper snake case", () => {
    expect(globalName("CTRL_", "nextChunk")).toBe("CTRL_NEXT_CHUNK");
    expect(globalName("ARG_T_", "inStride")).toBe("ARG_T_IN_STRIDE");
  });
});
