import { defineConfig } from "vitest/config";

// Unit tests only: as-pect specs live in assembly/__tests__ and runtime smoke tests have their own config.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/runtimes/**"],
    testTimeout: 60000,
    hookTimeout: 60000,
  },
});
