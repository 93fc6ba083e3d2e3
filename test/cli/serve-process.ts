// `cne serve` in a child process, and a raw HTTP/1.1 client that can send any request line and Host header
// (fetch and http.request refuse some of the malformed requests a hostile page or client sends).

import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { CLI } from "./files.ts";

export interface Served {
  /** http://127.0.0.1:port */
  origin: string;
  port: number;
  child: ChildProcess;
  /** resident memory of the server process now and at its peak, in MB (Linux /proc) */
  memory(): { rss: number; peak: number };
  stop(): void;
}

/** Starts `cne serve` with `args` on a free port; resolves once it prints where it listens. */
export function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr!.on("data", (chunk) => {
      err += chunk;
      const match = /http:\/\/127\.0\.0\.1:(\d+)\/explorer\//.exec(err);
      if (!match) return;
      const status = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1]) / 1024;
      resolve({
        origin: `http://127.0.0.1:${match[1]}`, port: Number(match[1]), child,
        memory: () => ({ rss: status("VmRSS"), peak: status("VmHWM") }),
        stop: () => child.kill("SIGINT"),
      });
    });
    child.on("exit", (code) => reject(new Error(`cne serve exited (${code}): ${err}`)));
  });
}

/** Sends one raw request and resolves with its status code (0 when the server closed without an answer). */
export function rawRequest(port: number, method: string, target: string, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let head = "";
    socket.setTimeout(10_000, () => reject(new Error(`no answer to ${method} ${target} (Host ${host})`)));
    socket.on("data", (chunk) => {
      head += chunk.toString("latin1");
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (match) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on("error", () => resolve(0));
    socket.on("close", () => resolve(0));
    const hostLine = host === undefined ? "" : `Host: ${host}\r\n`;
    socket.end(Buffer.from(`${method} ${target} HTTP/1.1\r\n${hostLine}Connection: close\r\n\r\n`, "latin1"));
  });
}
