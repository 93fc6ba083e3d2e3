// The app's one page is index.html (the entry of Vite and Parcel, which load src/main.js from it). The other
// builds get it from here: webpack's HtmlWebpackPlugin without the script (it adds a tag for its bundle), and
// the bundlers without an HTML step (Rollup, esbuild, bun build) a copy that loads their bundle instead.
import { readFileSync } from "node:fs";

const ENTRY = '<script type="module" src="./src/main.js"></script>';

/** index.html loading `script` (a module's URL relative to the page) in place of src/main.js, or no script. */
export function appPage(script) {
  const page = readFileSync(new URL("./index.html", import.meta.url), "utf8");
  if (!page.includes(ENTRY)) throw new Error(`index.html no longer loads the app by ${ENTRY}`);
  return page.replace(ENTRY, script === undefined ? "" : `<script type="module" src="${script}"></script>`);
}
