// The app's computation outside the browser: Node, Deno (the package from node_modules, or an npm: specifier)
// and Bun print one JSON line. Usage: <runtime> run.mjs [threads]
import * as cne from "cne-wasm";
import { compute } from "./src/compute.js";

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const runtime = globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node";
console.log(JSON.stringify({ runtime, ...(await compute(cne, Number(args[0] ?? 2))) }));
