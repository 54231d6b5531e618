import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // CI also keeps a machine-readable record, from which .ci/run prints its closing line.
    // TEST_REPORT_FILE lets a second pass (another Kafka client) keep its own record.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: process.env.TEST_REPORT_FILE ?? 'artifacts/vitest.json' }]]
      : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/infra.ts'],
          // One shared broker on two cores: files run one after another so timing-sensitive
          // cases (broker paused, processes killed) do not disturb each other.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
