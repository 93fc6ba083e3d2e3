// Which files of a package its entry points need: start from package.json's `exports`, `main`, `types` and
// `bin`, and follow every reference a file makes to another: static and dynamic imports and re-exports,
// `new URL("…", import.meta.url)` (a template's `${…}` matches any name), source maps, type declarations,
// and src/href in HTML pages. Bare specifiers are collected as the packages the entries import.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, posix, relative, sep } from "node:path";

const SPECIFIERS = [
  // import x from "…", export * from "…"; minified: import{a as b}from"…"
  /\b(?:import|export)(?:\s|(?=[{*]))[^"'`;]*?\bfrom\s*["']([^"']+)["']/g,
  /\bimport\s*["']([^"']+)["']/g, // import "…"
  // import("…"), also as tsc emits it for a computed specifier: import(__rewriteRelativeImportExtension("…"))
  /\bimport\s*\(\s*(?:__rewriteRelativeImportExtension\(\s*)?["']([^"']+)["']\s*\)/g,
  /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g, // require("…")
  /\/\/\/\s*<reference\s+path\s*=\s*["']([^"']+)["']/g, // /// <reference path="…" />
];
const URL_REFERENCE = /\bnew\s+URL\s*\(\s*(["'`])((?:(?!\1).)+)\1\s*,\s*import\.meta\.url\s*\)/g;
const SOURCE_MAP = /^\/\/# sourceMappingURL=(\S+)\s*$/m;
const HTML_REFERENCE = /\b(?:src|href)\s*=\s*["']([^"':]+)["']/g;
const BUILTINS = new Set(builtinModules);

/** Every file under `dir`, as posix paths relative to it, with its size in bytes. */
export function listFiles(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else out.set(relative(dir, full).split(sep).join("/"), st.size);
    }
  };
  walk(dir);
  return out;
}

/** The file paths an `exports` value names, through conditions and arrays; patterns keep their `*`. */
function exportTargets(value, out = []) {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => exportTargets(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => exportTargets(v, out));
  return out;
}

/** A package name from a bare specifier ("@scope/name/sub" → "@scope/name"), or undefined for builtins. */
function packageName(spec) {
  if (spec.startsWith("node:") || BUILTINS.has(spec.split("/")[0])) return undefined;
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** A regex for an exports pattern (`*` matches anything) or a template (`${…}` matches within one name). */
function globRegex(pattern) {
  return new RegExp(
    `^${pattern
      .split(/(\$\{[^}]*\}|\*)/)
      .map((part) => (part === "*" ? "[^]*" : part.startsWith("${") ? "[^/]*" : part.replace(/[.+?^$(){}|[\]\\]/g, "\\$&")))
      .join("")}$`,
  );
}

/**
 * Follows the package at `dir` from its entries. Returns the files reached, the references that name a file the
 * package does not hold (`missing`, each with the file that refers to it), and the bare packages imported.
 */
export function followEntries(dir) {
  const files = listFiles(dir);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const reached = new Set(["package.json"]);
  const missing = [];
  const packages = new Map(); // name → first file importing it

  /** Marks the files matching `path` (a pattern when it holds * or ${…}) as reached; false when none exists. */
  const reach = (path, from) => {
    const target = posix.normalize(path).replace(/^\.\//, "");
    const isPattern = /\*|\$\{/.test(target);
    const matches = isPattern ? [...files.keys()].filter((f) => globRegex(target).test(f)) : files.has(target) ? [target] : [];
    if (matches.length === 0) {
      missing.push({ path: target, from });
      return;
    }
    for (const m of matches) visit(m);
  };

  const visit = (file) => {
    if (reached.has(file)) return;
    reached.add(file);
    const base = posix.dirname(file);
    const isDts = /\.d\.[cm]?ts$/.test(file);
    // a module's declarations and source map come with it when present
    const stem = file.replace(/\.[cm]?js$/, "");
    if (stem !== file && files.has(`${stem}.d.ts`)) visit(`${stem}.d.ts`);
    if (!/\.([cm]?js|d\.[cm]?ts|html?)$/.test(file)) return;
    const text = readFileSync(join(dir, file), "utf8");
    const map = SOURCE_MAP.exec(text);
    if (map && !map[1].startsWith("data:")) reach(posix.join(base, map[1]), file);
    const refs = [];
    if (/\.html?$/.test(file)) {
      for (const [, spec] of text.matchAll(HTML_REFERENCE)) refs.push(spec.startsWith("/") ? spec : `./${spec.replace(/^\.\//, "")}`);
    } else {
      for (const re of SPECIFIERS) for (const [, spec] of text.matchAll(re)) refs.push(spec);
      for (const [, , spec] of text.matchAll(URL_REFERENCE)) refs.push(spec.startsWith(".") ? spec : `./${spec}`);
    }
    for (const spec of refs) {
      if (spec.startsWith(".") || spec.startsWith("/")) {
        let target = spec.startsWith("/") ? spec.slice(1) : posix.join(base, spec);
        // declarations name modules by their .js (or .ts) path; the file is the .d.ts beside it
        if (isDts) target = target.replace(/\.(?:d\.)?[cm]?[jt]s$/, ".d.ts");
        reach(target, file);
      } else {
        const name = packageName(spec);
        if (name && !packages.has(name)) packages.set(name, file);
      }
    }
  };

  const entries = [
    ...exportTargets(pkg.exports ?? {}),
    ...(pkg.main ? [pkg.main] : []),
    ...(pkg.types ? [pkg.types] : []),
    ...(typeof pkg.bin === "string" ? [pkg.bin] : Object.values(pkg.bin ?? {})),
  ];
  for (const entry of entries) reach(entry, "package.json");
  return { files, pkg, reached, missing, packages };
}
