import { defineConfig } from "vite";

// Threads need a cross-origin isolated page, in development (vite) and in the preview of a build (vite preview).
const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  server: { headers: isolation },
  preview: { headers: isolation },
  // the dev server's dependency pre-bundling moves the package's code away from its worker.js: serve it as is
  optimizeDeps: { exclude: ["cne-wasm"] },
  build: { outDir: "dist-vite" },
});
