import { defineConfig } from 'vite';

/**
 * The pages the API serves under /app/ from dist/web. No framework plugin: Vite
 * transforms TSX itself with the automatic JSX runtime.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill would be an inline script, which the pages' CSP refuses.
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
});
