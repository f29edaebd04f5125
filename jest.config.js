// Tests are ES modules compiled by ts-jest, because @actions/core and @actions/exec are
// ESM-only; `npm test` starts Node with --experimental-vm-modules for that reason.
export default {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true }],
  },
  testTimeout: 60000,
  maxWorkers: 2,
};
