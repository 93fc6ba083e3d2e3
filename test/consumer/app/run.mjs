// A consumer's script: imports the installed package by its name and prints one JSON line. The same file runs
// in Node, Deno and Bun (and, bundled, in a browser page and in workerd through compute.js).
// Usage: <runtime> run.mjs [threads]
import * as cne from "cne-wasm";
import { compute } from "./compute.js";

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const threads = Number(args[0] ?? 2);
const runtime = globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node";
console.log(JSON.stringify({ runtime, ...(await compute(cne, threads)) }));
