import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { asyncApiDocument } from '@boucle/contracts';
import {
  DOCS_CSS,
  DOCS_HEADERS,
  DOCS_HTML,
  DOCS_INITIALIZER,
  DOCS_PATH,
  SWAGGER_UI_FILES,
} from './docs-page.js';

interface DocumentResponse {
  status(code: number): DocumentResponse;
  set(headers: Record<string, string>): DocumentResponse;
  json(body: unknown): void;
  send(body: string | Buffer): void;
}

interface Http {
  get(path: string, handler: (req: unknown, res: DocumentResponse) => void): unknown;
}

/**
 * swagger-ui-dist's own directory. Its `absolute-path.js` alone, not its index, which
 * would load the whole browser bundle into the gateway.
 */
function swaggerUiDirectory(): string {
  const require = createRequire(import.meta.url);
  const getAbsoluteFSPath = require('swagger-ui-dist/absolute-path.js') as () => string;
  return getAbsoluteFSPath();
}

/**
 * `/asyncapi.json` and `/docs` with its assets. Everything is read or built once, at
 * start: a missing asset stops the gateway there rather than breaking the page later,
 * and answers come from memory (Express adds an ETag, so a reload costs a 304).
 */
export function registerDocuments(http: Http): void {
  const asyncApi = asyncApiDocument();
  http.get('/asyncapi.json', (_req, res) => res.status(200).json(asyncApi));

  const directory = swaggerUiDirectory();
  const assets: [string, string, string | Buffer][] = [
    ...Object.entries(SWAGGER_UI_FILES).map(([file, type]): [string, string, Buffer] => [
      file,
      type,
      readFileSync(path.join(directory, file)),
    ]),
    ['swagger-initializer.js', 'text/javascript; charset=utf-8', DOCS_INITIALIZER],
    ['docs.css', 'text/css; charset=utf-8', DOCS_CSS],
  ];
  for (const [file, type, body] of assets) {
    http.get(`${DOCS_PATH}/${file}`, (_req, res) =>
      res
        .status(200)
        .set({ ...DOCS_HEADERS, 'Content-Type': type, 'Cache-Control': 'public, max-age=3600' })
        .send(body),
    );
  }
  http.get(DOCS_PATH, (_req, res) =>
    res
      .status(200)
      .set({
        ...DOCS_HEADERS,
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-cache',
      })
      .send(DOCS_HTML),
  );
}
