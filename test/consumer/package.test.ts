// What the tarball holds: every file an entry point reaches is in it, nothing large sits in it unreached, and
// the runtime dependencies are exactly the packages the entries import.
import { describe, expect, inject, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { followEntries } from "./graph.js";

const { dir, tarball } = inject("consumer");
/** Files over this size must be reached from an entry point to be shipped. */
const LARGE = 16 * 1024;
/** Shipped for people, not for code. */
const DOCUMENTS = /^(package\.json|README(\.md)?|LICEN[CS]E(\.md)?|CHANGELOG(\.md)?)$/i;

const unpacked = join(dir, "unpacked");
mkdirSync(unpacked, { recursive: true });
execFileSync("tar", ["-xzf", tarball, "-C", unpacked]);
const packageDir = join(unpacked, "package");
const graph = followEntries(packageDir);

describe("the packed tarball", () => {
  it("lists its files", () => {
    const listing = [...graph.files].map(([f, size]) => `${String(size).padStart(8)}  ${f}${graph.reached.has(f) ? "" : "  (unreached)"}`);
    console.log(`${graph.files.size} files in ${tarball}:\n${listing.join("\n")}`);
    expect(graph.files.has("dist/index.js")).toBe(true);
  });

  it("holds every file the entry points (exports, main, types, bin) import or reference", () => {
    expect(graph.missing.map(({ path, from }) => `${path} (referenced by ${from})`)).toEqual([]);
  });

  it("holds nothing large that no entry point needs", () => {
    const unneeded = [...graph.files]
      .filter(([f, size]) => size > LARGE && !graph.reached.has(f) && !DOCUMENTS.test(f))
      .map(([f, size]) => `${f} (${size} bytes)`);
    expect(unneeded).toEqual([]);
  });

  it("depends at run time on exactly the packages the entry points import", () => {
    const imported = [...graph.packages.keys()].sort();
    const declared = Object.keys({ ...graph.pkg.dependencies, ...graph.pkg.peerDependencies }).sort();
    expect(imported.filter((p) => !declared.includes(p)).map((p) => `${p} (imported by ${graph.packages.get(p)})`)).toEqual([]);
    expect(declared.filter((p) => !imported.includes(p))).toEqual([]);
  });

  it("pins every runtime dependency to an exact version", () => {
    for (const [name, range] of Object.entries(graph.pkg.dependencies ?? {})) {
      expect(range, name).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });
});
