// The bad-input corpus: every file in test/reliability/corpus/ through the command line, with the outcome
// stated in make-corpus.mjs: the exact one-line refusal (exit 1), or a layout of finite values (exit 0); and
// through the explorer page's reader, which must agree: the same refusal, or the same number of rows.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CASES, CORPUS_DIR, writeCorpus } from "./make-corpus.mjs";
import { CLI } from "../cli/files.ts";
import { readTable as readInPage } from "../../explorer/src/parse.ts";
import { embed } from "../../dist/index.js";
import { flagMessage } from "../../dist/cli/session.js";

type Case = { bytes: string | Uint8Array; error?: string; rows?: number; warning?: string };
const cases = CASES as Record<string, Case>;
const out = mkdtempSync(join(tmpdir(), "cne-corpus-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runCli(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: CORPUS_DIR, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000); // a hang is a failure, not a stuck suite
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

describe("the corpus files are what make-corpus.mjs writes", () => {
  it("same names, same bytes", () => {
    const fresh = mkdtempSync(join(tmpdir(), "cne-corpus-fresh-"));
    try {
      writeCorpus(fresh + "/");
      expect(readdirSync(CORPUS_DIR).sort()).toEqual(Object.keys(cases).sort());
      for (const name of Object.keys(cases)) expect(readFileSync(join(CORPUS_DIR, name)), name).toEqual(readFileSync(join(fresh, name)));
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe("cne embed on the bad-input corpus", () => {
  for (const [name, c] of Object.entries(cases)) {
    const outcome = c.error !== undefined ? `refused: ${c.error.replace(/^cne: [^:]+: /, "")}` : `embeds ${c.rows} finite rows`;
    it.concurrent(`${name}: ${outcome}`, async () => {
      const target = join(out, `${name}.json`);
      const r = await runCli(["embed", name, "--out", target, "--epochs", "5", "--threads", "1", "--quiet"]);
      if (c.error !== undefined) {
        expect(r.stderr).toBe(c.error + "\n");
        expect(r.status).toBe(1);
      } else {
        expect(r.stderr).toBe(c.warning ? c.warning + "\n" : "");
        expect(r.status).toBe(0);
        const y = JSON.parse(readFileSync(target, "utf8")) as number[][];
        expect(y).toHaveLength(c.rows!);
        expect(y.flat().every(Number.isFinite)).toBe(true);
      }
    }, 150_000);
  }
});

/** What the CLI adds to a reader's refusal: advice that names its flags. */
const CLI_ADVICE = / \(line 1 was read as data: give --header if it names the columns\)$/;

describe("the explorer page's reader on the same corpus agrees with cne embed", () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      const bytes = readFileSync(join(CORPUS_DIR, name));
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      let table: Awaited<ReturnType<typeof readInPage>> | undefined;
      let refusal: string | undefined;
      try {
        table = await readInPage(name, buffer, null);
      } catch (error) {
        refusal = (error as Error).message;
      }
      if (refusal !== undefined) {
        // the reader refused: the CLI refused with the same words
        expect(c.error?.replace(CLI_ADVICE, "")).toBe(`cne: ${name}: ${refusal}`);
      } else if (c.rows !== undefined) {
        expect(table!.n).toBe(c.rows);
      } else {
        // read, and refused by the embedding's own checks (too few rows, no variance): the page meets the same
        const fit = embed(table!.values, { n: table!.n, dim: table!.dim, nEpochs: 5, threads: 1 });
        await expect(fit.then(() => "embedded", (e: Error) => `cne: ${name}: ${flagMessage(e.message)}`)).resolves.toBe(c.error);
      }
    }, 60_000);
  }
});
