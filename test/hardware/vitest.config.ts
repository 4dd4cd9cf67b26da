// Runner settings for the hardware tests, which the main config leaves out: run them on a Pi
// with `npx vitest run --config test/hardware/vitest.config.ts`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/hardware/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
