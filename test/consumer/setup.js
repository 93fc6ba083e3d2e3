// Packs the repository with `npm pack` (as published: only what package.json `files` lets through) into a
// temporary folder, and installs the tarball into a fresh consumer project there, offline: the runtime
// dependencies come as tarballs packed from this repository's node_modules (the versions package-lock.json
// pins), so no registry is asked. The consumer's own files come from test/consumer/app. Tests receive the
// folders through `inject("consumer")`.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

// The npm that runs this suite, not the old one some dev dependencies install into node_modules/.bin.
const PATH = (process.env.PATH ?? "").split(delimiter).filter((p) => !p.endsWith(join("node_modules", ".bin"))).join(delimiter);

function npm(args, cwd) {
  try {
    const env = { ...process.env, PATH };
    return execFileSync("npm", args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120000 });
  } catch (e) {
    throw new Error(`npm ${args.join(" ")} failed in ${cwd}:\n${e.stderr ?? ""}\n${e.stdout ?? ""}`);
  }
}

/** The installed folders of the package's runtime dependencies and of theirs, as node would resolve them. */
function runtimeDependencyDirs() {
  const dirs = new Set();
  const resolve = (name, from) => {
    for (let d = from; ; d = dirname(d)) {
      if (basename(d) === "node_modules") continue;
      const candidate = join(d, "node_modules", name);
      if (existsSync(join(candidate, "package.json"))) return candidate;
      if (d === root || d === dirname(d)) throw new Error(`${name} (needed by ${from}) is not installed: run \`npm ci\``);
    }
  };
  const walk = (dir) => {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      const dep = resolve(name, dir);
      if (!dirs.has(dep)) {
        dirs.add(dep);
        walk(dep);
      }
    }
  };
  walk(root);
  return [...dirs];
}

export default async function setup(project) {
  for (const built of ["dist/index.js", "build/inline.js"]) {
    if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  const dir = mkdtempSync(join(tmpdir(), "cne-consumer-"));
  // --ignore-scripts: `npm test` has just built dist/ and build/; `prepare` would build them again
  npm(["pack", "--ignore-scripts", "--pack-destination", dir, root], dir);
  const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);

  const app = join(dir, "app");
  cpSync(join(root, "test/consumer/app"), app, { recursive: true });
  // the same fixed data set the runtime smoke tests use (plain JS, no imports)
  cpSync(join(root, "test/runtimes/fixture.js"), join(app, "fixture.js"));
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "cne-consumer", private: true, type: "module" }, null, 2) + "\n",
  );
  const deps = join(dir, "deps");
  mkdirSync(deps);
  npm(["pack", "--ignore-scripts", "--pack-destination", deps, ...runtimeDependencyDirs()], deps);
  const depTarballs = readdirSync(deps).map((f) => `../deps/${f}`);
  npm(["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", `../${tarball}`, ...depTarballs], app);

  project.provide("consumer", { dir, app, tarball: join(dir, tarball), repo: root });
  return () => {
    if (!process.env.CNE_KEEP_CONSUMER) rmSync(dir, { recursive: true, force: true });
  };
}
