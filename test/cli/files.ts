// Small input files for the command-line tests, written into a fresh temporary directory.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export function tempDir(): { dir: string; path: (name: string) => string; write: (name: string, data: string | Uint8Array) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "cne-cli-"));
  return {
    dir,
    path: (name) => join(dir, name),
    write: (name, data) => {
      const file = join(dir, name);
      writeFileSync(file, data);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** An NPY 1.0 file written independently of the code under test (any descr, shape and order). */
export function npyFile(descr: string, data: ArrayBufferView, shape: number[], fortranOrder = false): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? "True" : "False"}, 'shape': ${shapeText}, }`;
  while ((10 + header.length + 1) % 64 !== 0) header += " ";
  header += "\n";
  const bytes = new Uint8Array(10 + header.length + data.byteLength);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  bytes[8] = header.length & 255;
  bytes[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return bytes;
}

/** n rows of dim values in three well separated clusters, with the cluster as label. */
export function clusters(n: number, dim: number): { rows: number[][]; labels: number[] } {
  const rows: number[][] = [];
  const labels: number[] = [];
  let state = 12345;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels.push(c);
    rows.push(Array.from({ length: dim }, (_, j) => (j === c ? 10 : 0) + Math.round((next() - 0.5) * 100) / 100));
  }
  return { rows, labels };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], cwd?: string): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", timeout: 120000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
