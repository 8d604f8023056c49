import { defineConfig } from "vitest/config";
import ClosingLineReporter from "./test/support/closing-line-reporter.ts";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    // Real Redis and Chromium: `pnpm test:system` (vitest.system.config.ts), CONTRACTS §6.
    exclude: ["test/system/**", "**/node_modules/**"],
    // Property tests run thousands of simulated seconds; give them room on a 2-core machine.
    testTimeout: 60_000,
    reporters: ["default", new ClosingLineReporter()],
  },
});
