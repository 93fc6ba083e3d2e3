// Frame rate of the explorer page's scatter view in headless Chromium (software rendering: no GPU here, and
// the view draws into a 2-D canvas ImageData anyway). The page is served by `cne serve`'s server; after the
// digits load, n random points are shown and every frame re-interpolates and redraws all of them, as during
// a glide. Prints frames per second for each n.
//
//   node bench/explorer-fps.js [--n 1797,70000] [--ms 3000]

import { chromium } from "playwright-core";
import { loadavg } from "node:os";
import { startExplorerServer } from "../dist/cli/serve.js";
import { machineInfo } from "./lib/machine.js";

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

function flag(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

const sizes = flag("n", "1797,70000").split(",").map(Number);
const ms = Number(flag("ms", 3000));
const machine = machineInfo();
const server = await startExplorerServer({ port: 0 });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => window.explorer?.state.layouts >= 1, null, { timeout: 120000 });
  const load = [loadavg()[0]];
  const rows = [];
  for (const n of sizes) {
    const fps = await page.evaluate(async ([count, duration]) => {
      window.explorer.showRandom(count);
      await new Promise((r) => setTimeout(r, 1000));
      return window.explorer.measureFrameRate(duration);
    }, [n, ms]);
    rows.push([n, fps]);
  }
  load.push(loadavg()[0]);
  console.log(`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.chromium}, headless, --disable-gpu (software rendering); viewport 1280 × 800; 1-minute load ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}; ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC\n`);
  console.log("| points | frames per second (every frame interpolates and redraws all points) |");
  console.log("|---|---|");
  for (const [n, fps] of rows) console.log(`| ${n} | ${fps.toFixed(1)} |`);
} finally {
  await browser.close();
  await server.close();
}
