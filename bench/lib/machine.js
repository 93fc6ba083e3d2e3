// The machine the numbers were measured on: CPU, cores, memory, runtime versions.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, totalmem, loadavg } from "node:os";
import { join } from "node:path";
import { ROOT_DIR } from "./paths.js";

function firstLine(command, args) {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 30000 }).trim().split("\n")[0];
  } catch {
    return null;
  }
}

export function machineInfo() {
  let cpu = cpus()[0]?.model ?? "unknown";
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    cpu = /model name\s*:\s*(.+)/.exec(info)?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  const bin = (name) => join(ROOT_DIR, "node_modules", ".bin", name);
  let os = null;
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? null;
  } catch {
    // no os-release
  }
  return {
    cpu,
    cores: cpus().length,
    memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os,
    node: process.versions.node,
    deno: existsSync(bin("deno")) ? firstLine(bin("deno"), ["--version"]) : null,
    bun: existsSync(bin("bun")) ? firstLine(bin("bun"), ["--version"]) : null,
    chromium: existsSync("/usr/bin/chromium") ? firstLine("/usr/bin/chromium", ["--version"]) : null,
    loadAtStart: loadavg()[0],
  };
}
