import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { CLI, runCli } from "./files.ts";

/** Starts `cne serve` and resolves with its origin once it prints where it listens. */
function serve(args: string[]): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr.on("data", (chunk) => {
      err += chunk;
      const url = /(http:\/\/127\.0\.0\.1:\d+\/explorer\/)/.exec(err)?.[1];
      if (url) resolve({ url, stop: () => child.kill("SIGINT") });
    });
    child.on("exit", (code) => reject(new Error(`cne serve exited (${code}): ${err}`)));
  });
}

describe("cne serve", () => {
  it("serves the page on loopback with COOP/COEP, the digits, and nothing outside its files", async () => {
    const { url, stop } = await serve([]);
    try {
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get("cross-origin-opener-policy")).toBe("same-origin");
      expect(page.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
      expect(await page.text()).toContain('<script type="module" src="main.js">');
      for (const file of ["main.js", "compute.js", "worker.js"]) expect((await fetch(url + file)).status, file).toBe(200);
      const start = await (await fetch(new URL("/start.json", url))).json();
      expect(start).toEqual({ name: "digits.csv.gz", url: "/data/digits.csv.gz", labelColumn: "last" });
      expect((await fetch(new URL("/data/digits.csv.gz", url))).status).toBe(200);
      expect((await fetch(url + "..%2f..%2fpackage.json")).status).toBe(404);
    } finally {
      stop();
    }
  });

  it("--no-isolation leaves the headers out", async () => {
    const { url, stop } = await serve(["--no-isolation"]);
    try {
      const page = await fetch(url);
      expect(page.headers.get("cross-origin-embedder-policy")).toBeNull();
    } finally {
      stop();
    }
  });

  it("a missing file is one line with exit code 1", () => {
    const result = runCli(["serve", "missing.csv", "--port", "0"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^cne: missing\.csv: cannot read: no such file or directory\n$/);
  });
});
