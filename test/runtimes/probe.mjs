// Runs the fixture in the current runtime (node, deno or bun) and prints one JSON line.
// Usage: <runtime> test/runtimes/probe.mjs [threads] [dist|source]
// "dist" (the default) uses the built package; "source" (Deno only) imports the package by its deno.json name,
// which maps to bindings/index.ts: the TypeScript source, as Deno users get it.
import { runFixture } from "./fixture.js";

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const threads = Number(args[0] ?? 2);
const entry = args[1] ?? "dist";
async function sourcePackage() {
  const { name } = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  return import(name);
}
const lib = entry === "source" ? await sourcePackage() : await import("../../dist/index.js");
const out = await runFixture(lib, threads);
const runtime = globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node";
console.log(JSON.stringify({ runtime, entry, ...out }));
