import { defineConfig } from "vitest/config";

// Unit tests only: as-pect specs live in assembly/__tests__; runtime smoke tests and consumer tests have their own configs.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/runtimes/**", "test/consumer/**"],
    testTimeout: 60000,
    hookTimeout: 60000,
  },
});
