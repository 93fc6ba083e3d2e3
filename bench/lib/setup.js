// The benchmark's own packages (bench/package.json: the peer libraries and ml-matrix for the reference PCA)
// are not the library's dependencies, so a clean clone has none of them: install them on first use. Scripts
// call this before they import anything from bench/node_modules (imports of those packages are dynamic).

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_DIR, ROOT_DIR } from "./paths.js";

export function ensureBenchPackages(log = console.log) {
  const { dependencies } = JSON.parse(readFileSync(join(BENCH_DIR, "package.json"), "utf8"));
  const missing = Object.keys(dependencies).filter((name) => !existsSync(join(BENCH_DIR, "node_modules", name, "package.json")));
  if (missing.length === 0) return;
  log(`installing the benchmark's packages (npm install --prefix bench): ${missing.join(", ")} missing`);
  execFileSync("npm", ["install", "--prefix", BENCH_DIR, "--legacy-peer-deps", "--no-audit", "--no-fund"], { stdio: "inherit", cwd: ROOT_DIR });
}
