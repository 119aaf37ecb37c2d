// Builds the browser app: `vite build --config web/vite.config.ts` from the repository root writes
// web/dist, which the server serves at / (src/server/app.ts). `vite --config web/vite.config.ts`
// serves it for development, passing /api to a sanyi server on port 3000 (`npm run dev`).
// TSX is compiled by Vite's built-in Oxc transform (React automatic runtime from web/tsconfig.json).
import { defineConfig } from 'vite';

const webDir = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineConfig({
  root: webDir,
  build: { outDir: 'dist', emptyOutDir: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
