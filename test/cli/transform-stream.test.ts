// `cne transform` streams: the input is read, placed and written a block at a time, and a run killed part way
// leaves a journal from which a re-run continues to a result with the bits of an uninterrupted run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { CLI, npyFile, runCli, tempDir } from "./files.ts";
import { bytesOf as bytes, csvOf, npyData, STREAM_DIM as dim, streamFixture } from "../stream-fixture.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const N = 30000;
let expected: Float32Array;

beforeAll(async () => {
  const fixture = await streamFixture(tmp, N);
  expected = fixture.expected;
  tmp.write("many.npy", npyFile("<f4", fixture.many, [N, dim]));
  tmp.write("many.csv", csvOf(fixture.many, dim));
}, 120000);

describe("cne transform, streamed", () => {
  it("blocks of any size, from .npy or .csv with a header, give the in-memory transform's bits", () => {
    for (const [input, chunk] of [["many.npy", "1000"], ["many.npy", "2999"], ["many.csv", "999"]] as const) {
      const out = tmp.path(`out-${chunk}.npy`);
      const t = runCli(["transform", tmp.path("m.cne"), tmp.path(input), "--out", out, "--chunk-rows", chunk]);
      expect(t.status, t.stderr).toBe(0);
      expect(t.stderr).toMatch(new RegExp(`wrote .*\\(${N} × 2\\)`));
      expect(npyData(out).equals(bytes(expected)), `${input}, blocks of ${chunk}`).toBe(true);
      expect(existsSync(`${out}.partial`) || existsSync(`${out}.partial.json`)).toBe(false);
    }
  }, 120000);

  it("a run killed part way continues from its last complete block, to the bits of an uninterrupted run", async () => {
    const out = tmp.path("killed.csv"), journal = `${out}.partial.json`;
    const args = [CLI, "transform", tmp.path("m.cne"), tmp.path("many.npy"), "--out", out, "--chunk-rows", "300", "--quiet"];
    const child = spawn(process.execPath, args, { stdio: "ignore" });
    let killedAt = -1;
    const deadline = Date.now() + 60000;
    while (killedAt < 0 && Date.now() < deadline && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 5));
      try {
        const done = (JSON.parse(readFileSync(journal, "utf8")) as { rowsDone: number }).rowsDone;
        if (done >= 3000) { child.kill("SIGKILL"); killedAt = done; }
      } catch { /* not yet written */ }
    }
    await new Promise((r) => child.once("close", r));
    expect(killedAt, "killed part way").toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(N);
    expect(existsSync(out), "no output before the run is complete").toBe(false);
    // the partial file may hold bytes past the journal's last block: the re-run cuts them off
    writeFileSync(`${out}.partial`, Buffer.concat([readFileSync(`${out}.partial`), Buffer.from("garbage,9\n")]));
    const again = runCli(args.slice(1).filter((a) => a !== "--quiet"));
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/continuing .* from row \d+/);
    const uninterrupted = tmp.path("whole.csv");
    expect(runCli(["transform", tmp.path("m.cne"), tmp.path("many.npy"), "--out", uninterrupted, "--chunk-rows", "300", "--quiet"]).status).toBe(0);
    expect(readFileSync(out).equals(readFileSync(uninterrupted))).toBe(true);
    expect(existsSync(journal)).toBe(false);
  }, 120000);

  it("a partial output of another block size or model is not continued; --no-resume starts afresh", () => {
    const out = tmp.path("other.npy");
    writeFileSync(`${out}.partial`, "stale");
    writeFileSync(`${out}.partial.json`, JSON.stringify({ version: 2, model: "x", input: "y", chunkRows: 5, dim, outDim: 2, format: "npy", rowsDone: 5, bytesDone: 3, next: { row: 5, byte: 0 } }));
    const t = runCli(["transform", tmp.path("m.cne"), tmp.path("many.npy"), "--out", out, "--chunk-rows", "5000"]);
    expect(t.status, t.stderr).toBe(0);
    expect(t.stderr).not.toMatch(/continuing/);
    expect(npyData(out).equals(bytes(expected))).toBe(true);
  }, 60000);

  it("refuses what it cannot stream, naming the flag or the file", () => {
    const bad = runCli(["transform", tmp.path("m.cne"), tmp.path("many.npy"), "--out", tmp.path("x.npy"), "--chunk-rows", "0"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--chunk-rows/);
    tmp.write("ragged.csv", "1,2,3,4,5,6,7,8\n1,2,3\n");
    const ragged = runCli(["transform", tmp.path("m.cne"), tmp.path("ragged.csv"), "--out", tmp.path("y.npy")]);
    expect(ragged.status).toBe(1);
    expect(ragged.stderr).toMatch(/ragged\.csv: line 2: ragged row: 3 fields, expected 8/);
  });
});
