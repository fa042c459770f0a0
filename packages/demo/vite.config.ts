import { defineConfig } from 'vite';

// In development the page is served by Vite and every server route is proxied to a running
// icelane server, so the page still talks to its own origin exactly as in production, where the
// server serves the built page itself (`ICELANE_STATIC_DIR`).
const serverUrl = process.env.ICELANE_DEMO_SERVER ?? 'http://127.0.0.1:8080';
const serverRoutes = ['/ice', '/healthz', '/readyz', '/metrics', '/history'];

export default defineConfig(({ command }) => ({
  // Development reads the SDK's TypeScript sources; the production build uses its built output.
  resolve:
    command === 'serve' ? { conditions: ['source', 'module', 'browser', 'development'] } : {},
  server: {
    proxy: {
      '/socket.io': { target: serverUrl, ws: true },
      ...Object.fromEntries(serverRoutes.map((route) => [route, { target: serverUrl }])),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Two pages: the call, and the operator view of the server's figures.
    rolldownOptions: {
      input: { main: 'index.html', operator: 'operator.html' },
    },
  },
}));
