import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'agent/**/*.test.ts', 'cli/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        // Integration and end-to-end tests share one containerd and real ports: one file at a time.
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
