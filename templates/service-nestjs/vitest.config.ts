import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One PostgreSQL database per test file (test/testing.ts): creating and migrating it takes a
    // moment, more so on a busy CI machine.
    hookTimeout: 60_000,
    testTimeout: 20_000,
  },
});
