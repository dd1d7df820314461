import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { buildSync } from 'esbuild';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/apps/console', import.meta.url));
/** Where `npm start` runs the gateway; `nx serve console` sends the API there. */
const gateway = process.env['GATEWAY_URL'] ?? 'http://localhost:3000';

/**
 * The counter's own views (intake, stock) are fetched with the entry, not after it has run:
 * on a slow network each lazy step costs a round trip. Every other view stays lazy.
 */
function preloadViews(modules: string[]): Plugin {
  return {
    name: 'boucle:preload-views',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        if (!bundle) return html;
        const files = new Set<string>();
        const add = (file: string) => {
          const chunk = bundle[file];
          if (files.has(file) || chunk?.type !== 'chunk' || chunk.isEntry) return;
          files.add(file);
          chunk.imports.forEach(add);
        };
        for (const chunk of Object.values(bundle))
          if (chunk.type === 'chunk' && modules.some((m) => chunk.facadeModuleId?.endsWith(m)))
            add(chunk.fileName);
        return {
          html,
          // Vite preloads the entry's own imports already.
          tags: [...files]
            .filter((file) => !html.includes(`/${file}"`))
            .map((file) => ({
              tag: 'link',
              attrs: { rel: 'modulepreload', crossorigin: true, href: `/${file}` },
              injectTo: 'head' as const,
            })),
        };
      },
    },
  };
}

/**
 * The early script (src/early-requests.ts): built apart, every import inlined, so that it
 * is one small file of its own; named first in the page and run as soon as it arrives,
 * it asks for the first page's data, and loads the date and number formats' data, while
 * the app's code is still on its way (src/app/early.ts).
 */
function earlyRequests(entry: string): Plugin {
  const NAME = 'early-requests.js';
  return {
    name: 'boucle:early-requests',
    apply: 'build',
    buildStart() {
      const built = buildSync({
        entryPoints: [path.join(root, entry)],
        bundle: true,
        format: 'iife',
        minify: true,
        target: 'es2022',
        write: false,
      });
      this.emitFile({ type: 'asset', name: NAME, source: built.outputFiles[0]!.text });
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, { bundle }) {
        const script = Object.values(bundle ?? {}).find(
          (file) => file.type === 'asset' && file.names.includes(NAME),
        );
        if (!script) return html;
        return {
          html,
          tags: [
            {
              tag: 'script',
              attrs: { async: true, src: `/${script.fileName}` },
              injectTo: 'head-prepend' as const,
            },
          ],
        };
      },
    },
  };
}

/** Brotli copies (`<file>.br`) made once at build, at its best quality, for the gateway to send. */
function brotliCopies(): Plugin {
  return {
    name: 'boucle:brotli',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const file of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json)$/.test(file)) continue;
        const full = path.join(options.dir ?? outDir, file);
        const body = readFileSync(full);
        if (body.length < 1024) continue;
        writeFileSync(
          `${full}.br`,
          brotliCompressSync(body, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
            },
          }),
        );
      }
    },
  };
}

export default defineConfig({
  root,
  base: '/',
  plugins: [
    react(),
    earlyRequests('src/early-requests.ts'),
    preloadViews([
      '/features/operator/intake/IntakePage.tsx',
      '/features/operator/stock/StockPage.tsx',
    ]),
    brotliCopies(),
  ],
  build: {
    outDir,
    emptyOutDir: true,
    // Modest phones and tablets a few years old run this; no legacy bundle is made.
    target: 'es2022',
    assetsDir: 'assets',
    sourcemap: false,
    reportCompressedSize: false,
    // public/sw.js reads it to keep every file of the build on the device.
    manifest: true,
    rollupOptions: {
      output: {
        // The small modules the counter's views share with other pages (pickers, loaders,
        // lifecycles): one file, not one each; on a slow network every file is a round trip.
        manualChunks(id) {
          if (
            /\/src\/(shared\/(use-resource|numbers)|features\/directory\/\w+|features\/goods\/(states|describe|load))\.tsx?$/.test(
              id,
            )
          )
            return 'common';
          return undefined;
        },
      },
    },
  },
  server: {
    port: 4200,
    proxy: Object.fromEntries(
      ['/v1', '/openapi.json', '/asyncapi.json', '/docs', '/health'].map((path) => [path, gateway]),
    ),
  },
});
