// Starts one runner in a fresh process (Node, Deno or Bun), enforces a time limit, and turns a crash into a
// reason: out of memory, killed at the time limit, or the runner's own error. Peak RSS comes from the runner
// (VmHWM) or, when it died, from /usr/bin/time when that is installed.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { BENCH_DIR, CACHE_DIR, ROOT_DIR } from "./paths.js";

const RUNNER = join(BENCH_DIR, "lib", "runner.js");
const GNU_TIME = "/usr/bin/time";

export function runtimeCommand(runtime, heapMB) {
  if (runtime === "node") return [process.execPath, ...(heapMB ? [`--max-old-space-size=${heapMB}`] : []), RUNNER];
  if (runtime === "deno") return [join(ROOT_DIR, "node_modules", ".bin", "deno"), "run", "-A", ...(heapMB ? [`--v8-flags=--max-old-space-size=${heapMB}`] : []), RUNNER];
  if (runtime === "bun") return [join(ROOT_DIR, "node_modules", ".bin", "bun"), RUNNER];
  throw new Error(`unknown runtime ${runtime}`);
}

function explain(stderr, code, signal, timedOut, timeLimit, heapMB) {
  if (timedOut) return `time limit of ${timeLimit} s reached (killed)`;
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderr)) {
    return `out of memory: JavaScript heap limit${heapMB ? ` (--max-old-space-size=${heapMB})` : ""} reached`;
  }
  if (/Invalid (typed )?array length|Array buffer allocation failed/i.test(stderr)) return "out of memory: allocation failed (invalid array length)";
  if (signal === "SIGKILL") return "killed (SIGKILL; likely the system's out-of-memory killer)";
  if (signal) return `terminated by ${signal}`;
  const last = stderr.trim().split("\n").filter(Boolean).slice(-3).join(" | ");
  return `exited with code ${code}${last ? `: ${last.slice(0, 300)}` : ""}`;
}

/**
 * Runs `spec` once; resolves to the runner's report (ok or not) with wallSeconds (process start to exit,
 * runtime start-up and data loading included) and the 1-minute load average before and after.
 */
export function runChild({ runtime, spec, timeLimit, heapMB, id }) {
  const dir = join(CACHE_DIR, "runs");
  mkdirSync(dir, { recursive: true });
  const out = join(dir, id);
  const specPath = `${out}.spec.json`;
  rmSync(`${out}.json`, { force: true });
  rmSync(`${out}.f32`, { force: true });
  writeFileSync(specPath, JSON.stringify({ ...spec, out }));
  let command = [...runtimeCommand(runtime, heapMB), specPath];
  const timeFile = `${out}.time`;
  const haveTime = existsSync(GNU_TIME);
  if (haveTime) command = [GNU_TIME, "-f", "%M", "-o", timeFile, ...command];
  const loadBefore = loadavg()[0];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { cwd: ROOT_DIR, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    const keep = (chunk) => {
      stderr = (stderr + chunk).slice(-20000);
    };
    child.stdout.on("data", keep); // runners print little; peers log to stdout
    child.stderr.on("data", keep);
    let timedOut = false;
    let killedRssMB = null;
    const timer = setTimeout(() => {
      timedOut = true;
      killedRssMB = treePeakMB(child.pid); // /usr/bin/time dies with the group and reports nothing
      try {
        process.kill(-child.pid, "SIGKILL"); // the whole group: /usr/bin/time and the runtime
      } catch {
        // already gone
      }
    }, timeLimit * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const wallSeconds = (performance.now() - started) / 1000;
      let report = null;
      try {
        report = JSON.parse(readFileSync(`${out}.json`, "utf8"));
      } catch {
        // the runner died before writing its report
      }
      let timeRssMB = null;
      try {
        const kb = Number(readFileSync(timeFile, "utf8").trim().split("\n").pop());
        if (kb > 0) timeRssMB = kb / 1024;
      } catch {
        // no /usr/bin/time
      }
      // /usr/bin/time prints "Command terminated by signal 9" into its file; the status line is the number
      const childSignal = signal ?? (/terminated by signal 9/.test(safeRead(timeFile)) ? "SIGKILL" : null);
      if (!report) report = { ok: false, tool: spec.tool, error: explain(stderr, code, childSignal, timedOut, timeLimit, heapMB) };
      else if (!report.ok && !report.unavailable) report.error = `${report.error.split("\n")[0]}`;
      report.peakRssMB = report.peakRssMB ?? timeRssMB ?? killedRssMB;
      Object.assign(report, { wallSeconds, loadBefore, loadAfter: loadavg()[0], embeddingPath: report.ok ? `${out}.f32` : null });
      resolve(report);
    });
  });
}

/** Largest VmHWM (MB) of a process and its descendants, read from /proc. */
function treePeakMB(pid) {
  let peak = null;
  const visit = (p) => {
    const kb = Number(/VmHWM:\s+(\d+)/.exec(safeRead(`/proc/${p}/status`))?.[1]);
    if (kb > 0) peak = Math.max(peak ?? 0, kb / 1024);
    for (const c of safeRead(`/proc/${p}/task/${p}/children`).trim().split(/\s+/).filter(Boolean)) visit(c);
  };
  visit(pid);
  return peak;
}

function safeRead(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
