import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["facade/**/*.test.ts", "runtime/**/*.test.ts", "shared/**/*.test.ts", "operator/**/*.test.ts", "deploy/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
