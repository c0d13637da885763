import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  resolve: {
    alias: [
      {
        find: /^@toolhost\/plugin-sdk\/testing$/,
        replacement: here('./plugin-sdk/src/testing/index.ts'),
      },
      {
        find: /^@toolhost\/plugin-sdk\/host$/,
        replacement: here('./plugin-sdk/src/host/index.ts'),
      },
      { find: /^@toolhost\/plugin-sdk$/, replacement: here('./plugin-sdk/src/index.ts') },
    ],
  },
  test: {
    include: [
      'plugin-sdk/src/**/*.test.ts',
      'host/src/**/*.test.ts',
      'registry/src/**/*.test.ts',
      'plugins/*/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    setupFiles: ['./vitest.setup.ts'],
    typecheck: { enabled: false },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
