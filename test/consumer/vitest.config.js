import { defineConfig } from "vitest/config";

// Consumer tests: the packed tarball installed into a fresh project, used the way a user would. The tarball is
// packed and installed once (setup.js) and shared; each test starts other runtimes, so files run one at a time.
export default defineConfig({
  test: {
    include: ["test/consumer/**/*.test.ts"],
    globalSetup: ["test/consumer/setup.js"],
    fileParallelism: false,
    testTimeout: 180000,
    hookTimeout: 180000,
  },
});
