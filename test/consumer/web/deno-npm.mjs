// The app's computation in Deno, importing the package by an npm: specifier (resolved in this project's
// node_modules, where `npm install` put it). Usage: deno run --allow-read deno-npm.mjs [threads]
import * as cne from "npm:cne-wasm";
import { compute } from "./src/compute.js";

console.log(JSON.stringify({ runtime: "deno", ...(await compute(cne, Number(Deno.args[0] ?? 2))) }));
