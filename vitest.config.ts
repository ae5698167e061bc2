import { defineConfig } from 'vitest/config'

// Two projects: fast unit/integration tests run in parallel; soak and leak tests, which
// spawn servers and measure handles, run one file at a time so they do not disturb each other.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['*/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'dist/**', '**/*.leak.test.ts'],
          testTimeout: 20_000,
          hookTimeout: 20_000
        }
      },
      {
        test: {
          name: 'leak',
          include: ['*/test/**/*.leak.test.ts'],
          exclude: ['**/node_modules/**', 'dist/**'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 60_000
        }
      }
    ]
  }
})
