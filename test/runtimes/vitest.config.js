import { defineConfig } from "vitest/config";

// Runtime smoke tests: each test starts another runtime (Deno, Bun, Chromium, workerd) as a child process, so
// they run one at a time with generous timeouts; each test also enforces its own, shorter, deadlines.
export default defineConfig({
  test: {
    include: ["test/runtimes/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 120000,
    hookTimeout: 120000,
  },
});
