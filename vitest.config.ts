import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // Model inference and end-to-end CLI runs are slow on a 2-core runner; these are
    // ceilings against hangs, not performance targets (those live in `npm run bench`).
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
