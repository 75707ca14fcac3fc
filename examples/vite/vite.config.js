import { defineConfig } from 'vite';

// The nim-server to talk to during `vite` (dev): its WebSocket and dev-token endpoint
// are proxied, so the page reaches them on its own origin, as in production.
const target = process.env.NIM_SERVER || 'http://127.0.0.1:8080';

export default defineConfig({
  // The SDK loads its .wasm with `new URL('nim_wasm_bg.wasm', import.meta.url)`,
  // which Vite bundles as an asset in `vite build`; pre-bundling would lose the file.
  optimizeDeps: { exclude: ['nim-wasm'] },
  server: {
    proxy: {
      '/ws': { target, ws: true },
      '/dev': { target },
    },
    // The package is linked from ../../pkg, outside this folder.
    fs: { allow: ['.', '../../pkg'] },
  },
});
