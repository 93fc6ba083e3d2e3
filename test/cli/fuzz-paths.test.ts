// Fuzz of the output paths, written from the classes, each with its outcome: an output that leads to an input
// or to another output (the same path spelled differently, through a symlink to the file or to a directory on
// the way, or a hard link) is refused before any work with both paths named, and the input is left as it was;
// distinct paths pass; a write that fails part way (the file size limit of the process, as a full disk would)
// or in an unwritable directory leaves the previous file as it was and no temporary file behind. Generated
// paths and data only.
import fc from "fast-check";
import { linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync, chmodSync } from "node:fs";
import { spawn, spawnSync } from "node:child_process";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkDistinctPaths } from "../../dist/cli/preflight.js";
import { writeBytes } from "../../dist/cli/write.js";
import { CLI, clusters, tempDir } from "./files.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

// a tree: dir/a.csv, dir/sub/, links to the file, to the directory, and a hard link
mkdirSync(tmp.path("dir/sub"), { recursive: true });
const data = clusters(60, 3).rows.map((r) => r.join(",")).join("\n") + "\n";
const file = tmp.write("dir/a.csv", data);
symlinkSync(file, tmp.path("link-to-a.csv"));
symlinkSync(tmp.path("dir"), tmp.path("dir-link"));
linkSync(file, tmp.path("hard-a.csv"));

/** Every spelling of dir/a.csv: relative, absolute, with ./ and sub/../, through the links. */
const aliasOfA = fc.constantFrom(
  file,
  relative(process.cwd(), file),
  tmp.path("dir/./a.csv"),
  tmp.path("dir/sub/../a.csv"),
  tmp.path("./dir//a.csv"),
  tmp.path("link-to-a.csv"),
  tmp.path("dir-link/a.csv"),
  tmp.path("dir-link/sub/../a.csv"),
  tmp.path("hard-a.csv"),
);
/** Spellings of one file that does not exist yet: dir/new.npy. */
const aliasOfNew = fc.constantFrom(tmp.path("dir/new.npy"), tmp.path("dir-link/new.npy"), tmp.path("dir/sub/../new.npy"), relative(process.cwd(), tmp.path("dir/new.npy")));
/** Files other than a.csv and new.npy. */
const other = fc.constantFrom(tmp.path("dir/b.csv"), tmp.path("dir/sub/a.csv"), tmp.path("a.csv"), tmp.path("dir-link/sub/new.npy"), tmp.path("dir/a.csv.npy"));

function refusal(inputs: { what: string; path: string }[], outputs: { what: string; path: string }[]): string | undefined {
  try {
    checkDistinctPaths(inputs, outputs);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe("outputs that lead to an input or to each other are refused, naming both", () => {
  it("an output that is the input under any spelling", () => {
    fc.assert(fc.property(aliasOfA, aliasOfA, fc.constantFrom("--out", "--save-model", "--plot"), (input, out, flag) => {
      const message = refusal([{ what: "input", path: input }], [{ what: flag, path: out }]);
      expect(message).toBe(`${flag} ${out} is the input ${input}: refusing to overwrite an input; write to another file`);
    }), { numRuns: 80, seed: 7 });
  });

  it("two outputs that are one file, existing or not yet", () => {
    fc.assert(fc.property(fc.oneof(fc.tuple(aliasOfA, aliasOfA), fc.tuple(aliasOfNew, aliasOfNew)), ([first, second]) => {
      const message = refusal([{ what: "input", path: tmp.path("dir/b.csv") }], [{ what: "--out", path: first }, { what: "--save-model", path: second }]);
      expect(message).toBe(`--out ${first} and --save-model ${second} are the same file: give each output its own path`);
    }), { numRuns: 60, seed: 8 });
  });

  it("distinct files pass", () => {
    fc.assert(fc.property(aliasOfA, aliasOfNew, other, (input, out, plot) => {
      expect(refusal([{ what: "input", path: input }], [{ what: "--out", path: out }, { what: "--plot", path: plot }])).toBeUndefined();
    }), { numRuns: 60, seed: 9 });
  });

  // one run of each command through the CLI: refused before any work (so, fast), the input unchanged
  const before = readFileSync(file);
  const commands: [string, string[], RegExp][] = [
    ["embed --out = input (through a symlink)", ["embed", "dir/a.csv", "--out", "link-to-a.csv"], /--out link-to-a\.csv is the input dir\/a\.csv/],
    ["embed --labels = --out", ["embed", "dir/a.csv", "--out", "labels.csv", "--labels", "./labels.csv"], /--out labels\.csv is the --labels \.\/labels\.csv/],
    ["fit --save-model = input (hard link)", ["fit", "dir/a.csv", "--save-model", "hard-a.csv"], /--save-model hard-a\.csv is the input dir\/a\.csv/],
    ["fit --out = --save-model", ["fit", "dir/a.csv", "--save-model", "m.npy", "--out", "dir-link/../m.npy"], /--save-model m\.npy and --out dir-link\/\.\.\/m\.npy are the same file/],
    ["transform --out = input", ["transform", "m.cne", "dir/a.csv", "--out", "dir-link/a.csv"], /--out dir-link\/a\.csv is the input dir\/a\.csv/],
    ["transform --out = model", ["transform", "dir/model.json", "dir/a.csv", "--out", "dir/model.json"], /--out dir\/model\.json is the model dir\/model\.json/],
  ];
  const runCli = (args: string[], cwd: string) => new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stderr }));
  });
  for (const [name, args, message] of commands) {
    it.concurrent(`cne ${name}: exit 1, both named, the input unchanged`, async () => {
      const result = await runCli(args, tmp.dir);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(result.status).toBe(1);
      expect(readFileSync(file)).toEqual(before);
    });
  }

  it.concurrent("cne spectrum: a layout file that is the input is refused", async () => {
    tmp.write("dir/s-s0.csv", data);
    const result = await runCli(["spectrum", "dir/s-s0.csv", "--out", "dir/s.csv", "--s", "0,1"], tmp.dir);
    expect(result.stderr).toMatch(/^cne: --out dir\/s-s0\.csv is the input dir\/s-s0\.csv: refusing to overwrite an input/);
    expect(result.status).toBe(1);
    expect(readFileSync(tmp.path("dir/s-s0.csv"), "utf8")).toBe(data);
  });
});

/** Temporary files a failed write might have left in a directory. */
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".tmp"));

describe("a failed write leaves the previous file and no temporary file", () => {
  it("writes cut short by the file size limit (as a full disk would), at generated sizes", () => {
    // a child process with a file size limit: every write past it fails part way with EFBIG
    const dir = tmp.path("full");
    mkdirSync(dir);
    const cases = fc.sample(fc.record({ limitBlocks: fc.integer({ min: 1, max: 16 }), over: fc.integer({ min: 1, max: 20_000 }), previous: fc.string({ maxLength: 100 }) }), { numRuns: 6, seed: 11 });
    cases.forEach((c, i) => tmp.write(`full/prev-${i}.csv`, c.previous));
    const script = `
      const { writeBytes } = await import(${JSON.stringify(new URL("../../dist/cli/write.js", import.meta.url).href)});
      const cases = ${JSON.stringify(cases)};
      const results = [];
      for (const [i, c] of cases.entries()) {
        const size = c.limitBlocks * 1024 + c.over; // past the limit whether a block is 512 bytes (sh) or 1024 (bash)
        try { await writeBytes(${JSON.stringify(dir)} + "/prev-" + i + ".csv", new Uint8Array(size).fill(49)); results.push("written"); }
        catch (e) { results.push(e.message); }
      }
      console.log(JSON.stringify(results));`;
    const limit = Math.min(...cases.map((c) => c.limitBlocks));
    const child = spawnSync("sh", ["-c", `trap '' XFSZ; ulimit -f ${limit}; exec "$0" --input-type=module -e "$1"`, process.execPath, script], { encoding: "utf8" });
    const results = JSON.parse(child.stdout) as string[];
    results.forEach((message, i) => {
      expect(message).toBe(`${dir}/prev-${i}.csv: cannot write: file too large (beyond the file size limit)`);
      expect(readFileSync(join(dir, `prev-${i}.csv`), "utf8")).toBe(cases[i].previous);
    });
    expect(leftovers(dir)).toEqual([]);
  });

  it("cne embed with the disk full: exit 1, the previous layout intact, no temporary file", () => {
    const dir = tmp.path("full-cli");
    mkdirSync(dir);
    tmp.write("full-cli/in.csv", data);
    tmp.write("full-cli/prev.csv", "the previous layout\n");
    const child = spawnSync("sh", ["-c", `trap '' XFSZ; ulimit -f 1; exec "$0" "$@"`, process.execPath, new URL("../../dist/cli/main.js", import.meta.url).pathname,
      "embed", "in.csv", "--out", "prev.csv", "--epochs", "5", "--threads", "1", "--quiet"], { cwd: dir, encoding: "utf8" });
    expect(child.stderr).toBe("cne: prev.csv: cannot write: file too large (beyond the file size limit)\n");
    expect(child.status).toBe(1);
    expect(readFileSync(join(dir, "prev.csv"), "utf8")).toBe("the previous layout\n");
    expect(leftovers(dir)).toEqual([]);
  });

  it("an unwritable directory: refused, nothing created", async () => {
    // root writes anywhere a mode allows nothing, so a directory of sysfs stands in for it there
    const isRoot = process.getuid?.() === 0;
    const dir = isRoot ? "/sys" : tmp.path("locked");
    if (!isRoot) {
      mkdirSync(dir);
      chmodSync(dir, 0o500);
    }
    await expect(writeBytes(join(dir, "out.csv"), "1,2\n")).rejects.toThrow(/out\.csv: cannot write: (permission denied|read-only)/);
    expect(readdirSync(dir)).not.toContain("out.csv");
    expect(leftovers(dir)).toEqual([]);
    if (!isRoot) chmodSync(dir, 0o700);
  });
});
