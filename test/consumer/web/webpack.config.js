import HtmlWebpackPlugin from "html-webpack-plugin";
import { fileURLToPath } from "node:url";

// Threads need a cross-origin isolated page: the dev server sends the two headers (so must the server of a build).
const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default {
  entry: "./src/main.js",
  output: { path: fileURLToPath(new URL("./dist-webpack", import.meta.url)), clean: true },
  plugins: [new HtmlWebpackPlugin({ template: "./webpack.html" })],
  devServer: { headers: isolation },
  // the package embeds its WebAssembly core (about 350 KB of the bundle)
  performance: { hints: false },
};
