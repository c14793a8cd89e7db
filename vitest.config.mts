// Test runner setup: one embedded Azurite per run, shared by all files through unique table and queue names.
import { defineConfig } from 'vitest/config';
import { SummaryReporter } from './test/support/summary-reporter.mjs';

export const testConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/azurite-global-setup.ts', 'test/support/console-build-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', new SummaryReporter()],
  },
});

// Vitest loads the config through its default export; this is the one default export in the project.
export default testConfig;
