import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Some tests start the real `eddy` binary or a whole engine; on a loaded 2-core machine one
    // such test can take several seconds. Timings are never asserted (see bench/).
    testTimeout: 30_000,
  },
})
