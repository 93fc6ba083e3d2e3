// Deno running the TypeScript source (JSR, deno.json): pool.ts starts its workers on "./worker.js", the name the
// built package has, so this file stands in for it beside worker.ts. The npm package ships the compiled worker.ts.
import "./worker.ts";
