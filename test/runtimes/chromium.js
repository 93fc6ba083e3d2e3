// Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core (no browser
// download), and one page run that collects the result a page script leaves on `window`.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30000 });
}

/**
 * Opens `url` in a fresh context, waits until the page sets `window[resultName]`, and returns it with every
 * page error, console error and warning seen on the way.
 */
export async function pageResult(browser, url, resultName, { timeoutMs = 60000 } = {}) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    await page.goto(url, { timeout: 30000 });
    await page.waitForFunction((name) => window[name], resultName, { timeout: timeoutMs });
    const result = await page.evaluate((name) => window[name], resultName);
    return { result, problems };
  } finally {
    await context.close();
  }
}
