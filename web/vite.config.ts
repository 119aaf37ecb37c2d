// Builds the browser app: `vite build --config web/vite.config.ts` from the repository root writes
// web/dist, which the server serves at / (src/server/app.ts). `vite --config web/vite.config.ts`
// serves it for development, passing /api to a sanyi server on port 3000 (`npm run dev`).
// TSX is compiled by Vite's built-in Oxc transform (React automatic runtime from web/tsconfig.json).
import { defineConfig } from 'vite';

const webDir = decodeURIComponent(new URL('.', import.meta.url).pathname);

export default defineConfig({
  root: webDir,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ECharts and React in chunks of their own, cached across releases. ECharts with only the bar and
    // line charts, grid, legend, tooltip, mark lines and the canvas renderer is ~550 kB minified
    // (~180 kB gzipped), hence the limit.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ },
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
          ],
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
