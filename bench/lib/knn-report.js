// Machine description, timing helpers and the writer of the kNN section of bench/RESULTS.md.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";

export function machine() {
  let cpu = os.cpus()[0]?.model ?? "unknown CPU";
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("model name"));
    if (line) cpu = line.split(":")[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    cpu,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `fn` `repeats` times, timing each call with performance.now(); returns the median (ms) and the last result. */
export async function timed(repeats, fn) {
  const times = [];
  let result;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), times, result };
}

/** Mean fraction of the exact neighbours of each row that `approx` found (rows [0, rows) of both). */
export function recallAtK(approx, exact, rows, k) {
  let hits = 0;
  for (let i = 0; i < rows; i++) {
    const truth = new Set(exact.subarray(i * k, (i + 1) * k));
    for (let t = 0; t < k; t++) if (truth.has(approx[i * k + t])) hits++;
  }
  return hits / (rows * k);
}

/** Replaces the text between the kNN markers of `path` (creating the file or the section if missing). */
export function writeSection(path, body) {
  writeMarkedSection(path, "knn", body);
}

/** Replaces the text between `<!-- name:begin -->` and `<!-- name:end -->` of `path`, appending them if missing. */
export function writeMarkedSection(path, name, body) {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${begin}\n${body.trimEnd()}\n${end}`;
  const old = existsSync(path) ? readFileSync(path, "utf8") : "";
  const b = old.indexOf(begin);
  const e = old.indexOf(end);
  let next;
  if (b >= 0 && e > b) next = old.slice(0, b) + section + old.slice(e + end.length);
  else next = old.length ? `${old.trimEnd()}\n\n${section}\n` : `${section}\n`;
  writeFileSync(path, next);
}
