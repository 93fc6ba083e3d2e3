import HtmlWebpackPlugin from "html-webpack-plugin";
import { fileURLToPath } from "node:url";
import { appPage } from "./page.js";

// Threads need a cross-origin isolated page: the dev server sends the two headers (so must the server of a build).
const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default {
  entry: "./src/main.js",
  output: { path: fileURLToPath(new URL("./dist-webpack", import.meta.url)), clean: true },
  // the app's page without its script: the plugin adds the bundle's
  plugins: [new HtmlWebpackPlugin({ templateContent: appPage() })],
  devServer: { headers: isolation },
  // the package embeds its WebAssembly core (about 350 KB of the bundle)
  performance: { hints: false },
};
