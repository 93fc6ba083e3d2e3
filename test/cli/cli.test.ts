import { afterAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { spawn } from "node:child_process";
import { decode } from "fast-png";
import * as cne from "../../dist/index.js";
import { readTable } from "../../dist/cli/read.js";
import { CLI, clusters, npyFile, runCli, tempDir } from "./files.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const hasEmbed = typeof (cne as Record<string, unknown>).embed === "function";

/** The failure contract: exit code 1 and exactly one line on stderr, naming the problem, no stack. */
function expectOneLineError(args: string[], message: RegExp): void {
  const result = runCli(args, tmp.dir);
  expect(result.status).toBe(1);
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^cne: /);
  expect(lines[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stdout).toBe("");
}

describe("cne: errors are one line with exit code 1", () => {
  tmp.write("ok.csv", "1,2\n3,4\n5,6\n");
  tmp.write("ragged.csv", "a,b,c\n1,2,3\n4,5\n");
  tmp.write("word.tsv", "1\t2\n3\tabc\n");
  tmp.write("nan.csv", "1,2\n3,nan\n");
  tmp.write("labels.txt", "a\nb\n");

  const cases: [string, string[], RegExp][] = [
    ["missing input", ["embed", "missing.csv", "--out", "o.npy"], /missing\.csv: cannot read: no such file or directory/],
    ["ragged row", ["embed", "ragged.csv", "--out", "o.npy"], /ragged\.csv: line 3: ragged row: 2 fields, expected 3/],
    ["non-numeric cell", ["embed", "word.tsv", "--out", "o.npy"], /word\.tsv: line 2, column 2: "abc" is not a number/],
    ["NaN", ["embed", "nan.csv", "--out", "o.npy"], /nan\.csv: line 2, column 2: NaN value/],
    ["label count", ["embed", "ok.csv", "--out", "o.npy", "--labels", "labels.txt"], /labels\.txt: 2 labels, but the data has 3 rows/],
    ["missing labels", ["embed", "ok.csv", "--out", "o.npy", "--labels", "nope.txt"], /nope\.txt: cannot read: no such file/],
    ["label column", ["embed", "ok.csv", "--out", "o.npy", "--label-column", "7"], /ok\.csv: label column 7 does not exist/],
    ["unknown flag", ["embed", "ok.csv", "--out", "o.npy", "--min-dist", "0.1"], /unknown option '--min-dist'/],
    ["bad integer", ["embed", "ok.csv", "--out", "o.npy", "--k", "ten"], /option '--k <K>' argument 'ten' is invalid\. Expected an integer/],
    ["fractional integer", ["embed", "ok.csv", "--out", "o.npy", "--epochs", "1.5"], /option '--epochs <N>' argument '1\.5' is invalid/],
    ["bad number", ["embed", "ok.csv", "--out", "o.npy", "--s", "x"], /option '--s <S>' argument 'x' is invalid\. Expected a number/],
    ["bad choice", ["embed", "ok.csv", "--out", "o.npy", "--loss", "largevis"], /argument 'largevis' is invalid\. Allowed choices are neg, nce, infonce, umap, tsne/],
    ["missing --out", ["embed", "ok.csv"], /required option '--out <file>' not specified/],
    ["both label sources", ["embed", "ok.csv", "--out", "o.npy", "--labels", "labels.txt", "--label-column", "last"], /cannot be used with/],
    ["input format", ["embed", "ok.xlsx", "--out", "o.npy"], /ok\.xlsx: unknown input format/],
    ["output format", ["embed", "ok.csv", "--out", "o.txt"], /o\.txt: unknown output format \(expected \.npy, \.csv, \.json, \.parquet, \.arrow, \.arrows\)/],
    ["plot format", ["embed", "ok.csv", "--out", "o.npy", "--plot", "p.jpg"], /p\.jpg: unknown plot format/],
    ["unknown command", ["frobnicate", "ok.csv"], /unknown command 'frobnicate'/],
  ];
  for (const [name, args, message] of cases) it(name, () => expectOneLineError(args, message));

  it("--help and --version exit 0", () => {
    const help = runCli(["embed", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--label-column <column>/);
    const version = runCli(["--version"]);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version);
  });
});

describe.runIf(hasEmbed)("cne embed end to end", () => {
  const n = 90;
  const dim = 6;
  const { rows, labels } = clusters(n, dim);
  const csv = rows.map((r) => r.join(",")).join("\n") + "\n";
  const inputs: [string, string | Uint8Array, string[]][] = [
    ["in.csv", csv, []],
    ["in-header.csv", ["f0,f1,f2,f3,f4,f5,kind", ...rows.map((r, i) => [...r, `c${labels[i]}`].join(","))].join("\n"), ["--label-column", "kind"]],
    ["in.tsv.gz", gzipSync(rows.map((r, i) => [labels[i], ...r].join("\t")).join("\n")), ["--label-column", "0"]],
    ["in.csv.gz", gzipSync(csv), []],
    ["in32.npy", npyFile("<f4", Float32Array.from(rows.flat()), [n, dim]), []],
    ["in64.npy", npyFile("<f8", Float64Array.from(rows.flat()), [n, dim]), []],
    ["inint.npy", npyFile("<i4", Int32Array.from(rows.flat().map((v) => Math.round(v * 100))), [n, dim]), []],
    ["in.json", JSON.stringify(rows), []],
  ];
  tmp.write("cluster-labels.txt", labels.join("\n") + "\n");

  for (const [name, content, extra] of inputs) {
    it(`${name} → .npy and a PNG plot`, async () => {
      const input = tmp.write(name, content);
      const out = tmp.path(`${name}.out.npy`);
      const plot = tmp.path(`${name}.png`);
      const labelArgs = extra.length > 0 ? extra : ["--labels", tmp.path("cluster-labels.txt")];
      const result = runCli(["embed", input, "--out", out, "--plot", plot, "--seed", "3", "--threads", "1", ...labelArgs]);
      // the last line names the build and thread count the fit ran on
      expect(result.stderr).toMatch(/^cne: wrote .*\(90 × 2\) and .*; simd build, 1 thread\n/);
      expect(result.status).toBe(0);
      const embedding = await readTable(out);
      expect([embedding.n, embedding.dim]).toEqual([n, 2]);
      expect(embedding.values.every(Number.isFinite)).toBe(true);
      // The three clusters are far apart in the input: each point's nearest embedded neighbour shares its label.
      let agree = 0;
      for (let i = 0; i < n; i++) {
        let best = -1;
        let bestDistance = Infinity;
        for (let j = 0; j < n; j++) {
          if (j === i) continue;
          const d = (embedding.values[2 * i] - embedding.values[2 * j]) ** 2 + (embedding.values[2 * i + 1] - embedding.values[2 * j + 1]) ** 2;
          if (d < bestDistance) [best, bestDistance] = [j, d];
        }
        if (labels[best] === labels[i]) agree++;
      }
      expect(agree / n).toBeGreaterThan(0.9);
      const png = decode(readFileSync(plot));
      expect(png.width).toBeGreaterThan(800); // a legend, since labels were given
    });
  }

  it("writes .csv and .json that match the .npy of the same seed, and an SVG plot", async () => {
    const input = tmp.write("same.csv", csv);
    const outs = ["same.npy", "same.csv.out.csv", "same.json"].map((f) => tmp.path(f));
    for (const out of outs) {
      const result = runCli(["embed", input, "--out", out, "--seed", "5", "--threads", "1", "--quiet", "--plot", tmp.path("same.svg")]);
      expect(result.status).toBe(0);
      expect(result.stderr).toBe("");
    }
    const [npy, csvOut, json] = await Promise.all(outs.map((f) => readTable(f)));
    expect(Array.from(csvOut.values)).toEqual(Array.from(npy.values));
    expect(Array.from(json.values)).toEqual(Array.from(npy.values));
    const svg = readFileSync(tmp.path("same.svg"), "utf8");
    expect((svg.match(/<circle /g) ?? []).length).toBe(n);
  });

  it("--header, --no-header and the summary line that explains rows against lines", () => {
    // the first row is numbers: data by the rule, a header when --header says so
    const numbered = tmp.write("numbered.csv", ["9,9,9,9,9,9", ...rows.map((r) => r.join(","))].join("\n") + "\n\n");
    const asData = runCli(["embed", numbered, "--out", tmp.path("numbered.npy"), "--epochs", "5", "--threads", "1"]);
    expect(asData.stderr).toMatch(/wrote .*\(91 × 2\); 91 rows from the 92 lines of .*numbered\.csv: 1 blank line; (simd|threads) build, \d+ threads?\n$/);
    const asHeader = runCli(["embed", numbered, "--out", tmp.path("numbered.npy"), "--epochs", "5", "--threads", "1", "--header"]);
    expect(asHeader.stderr).toMatch(/wrote .*\(90 × 2\); 90 rows from the 92 lines of .*numbered\.csv: line 1 is a header, 1 blank line; (simd|threads) build, \d+ threads?\n$/);
    // a first row of names: a header by the rule, refused as data under --no-header
    const named = tmp.write("named.csv", ["a,b,c,d,e,f", ...rows.map((r) => r.join(","))].join("\n") + "\n");
    const refused = runCli(["embed", named, "--out", tmp.path("named.npy"), "--no-header"]);
    expect(refused.stderr).toMatch(/named\.csv: line 1, column 1: "a" is not a number\n$/);
    expect(refused.status).toBe(1);
  });

  it("API errors speak in flags: --k too large for the data", () => {
    const input = tmp.write("small.csv", "1,2\n3,4\n5,6\n7,8\n");
    const result = runCli(["embed", input, "--out", tmp.path("small.npy"), "--k", "15"]);
    expect(result.status).toBe(1);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^cne: .*small\.csv: .*k/);
  });

  it("option values are refused before the input is read", () => {
    // the input does not exist: an error about it would mean it was read before the options were checked
    const result = runCli(["embed", tmp.path("missing.csv"), "--out", tmp.path("never.npy"), "--epochs", "0"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^cne: --epochs must be/);
    expect(result.stderr).not.toMatch(/missing\.csv: .*(no such|not found|ENOENT)/i);
  });

  it("Ctrl-C aborts with exit code 130", async () => {
    const big = clusters(3000, 32).rows;
    const input = tmp.write("big.csv", big.map((r) => r.join(",")).join("\n"));
    // Far more epochs than the test waits for: only the abort can end this run in time.
    const child = spawn(process.execPath, [CLI, "embed", input, "--out", tmp.path("big.npy"), "--epochs", "100000", "--threads", "2"]);
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    // Time to load and start embedding, so that the interrupt handler is installed.
    await new Promise((r) => setTimeout(r, 4000));
    child.kill("SIGINT");
    const killer = setTimeout(() => child.kill("SIGKILL"), 20000);
    const code = await exited;
    clearTimeout(killer);
    expect(code).toBe(130);
    expect(stderr).toMatch(/cne: interrupted/);
  });
});
