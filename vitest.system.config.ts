import { defineConfig } from "vitest/config";
import ClosingLineReporter from "./test/support/closing-line-reporter.ts";

/**
 * `pnpm test:system`: tests that need Debian packages (real redis-server / redis-sentinel /
 * redis-cli, Chromium). Not part of `pnpm test` (CONTRACTS §6); each test FAILS, never skips,
 * when a binary it needs is missing. Real processes share fixed loopback ports, so files run
 * one at a time.
 */
export default defineConfig({
  test: {
    include: ["test/system/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ["default", new ClosingLineReporter()],
  },
});
