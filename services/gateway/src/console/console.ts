import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Logger } from '@nestjs/common';

/**
 * The web console (apps/console, built by `nx build console` into dist/apps/console),
 * served by the gateway at `/`: its files, and its page for any other path it routes in
 * the browser (`/stock`, `/goods/<id>/passport`…). Never for what the API owns.
 */
export const CONSOLE_DIRECTORY = path.resolve('dist', 'apps', 'console');

/** Paths the API answers, whatever follows them: a missing one is a 404, never the console's page. */
const API_PATHS = ['/v1', '/docs', '/openapi.json', '/asyncapi.json', '/health', '/metrics'];

/**
 * The console's pages run only their own scripts and styles and talk only to this
 * origin, and to the OIDC provider's when one signs people in (its discovery document,
 * keys and token endpoint are fetched from the page); the QR codes of labels are inline
 * SVG, images may be data: URLs.
 */
export function consoleCsp(issuer?: string): string {
  const connect = issuer ? `'self' ${new URL(issuer).origin}` : "'self'";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const CONSOLE_CSP = consoleCsp();

const HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Where the console reads how people sign in, at run time (one build for every cluster). */
export const CONSOLE_CONFIG_PATH = '/console/config.json';

/** What the console is told: the OIDC provider and its client there, or null (pasted tokens only). */
export interface ConsoleSignIn {
  oidc: { issuer: string; clientId: string; scope: string } | null;
}

export function consoleSignIn(config: {
  CONSOLE_OIDC_ISSUER?: string | undefined;
  CONSOLE_OIDC_CLIENT_ID?: string | undefined;
  CONSOLE_OIDC_SCOPE: string;
}): ConsoleSignIn {
  return {
    oidc:
      config.CONSOLE_OIDC_ISSUER && config.CONSOLE_OIDC_CLIENT_ID
        ? {
            issuer: config.CONSOLE_OIDC_ISSUER,
            clientId: config.CONSOLE_OIDC_CLIENT_ID,
            scope: config.CONSOLE_OIDC_SCOPE,
          }
        : null,
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.webmanifest', '.txt']);

export interface ConsoleFile {
  body: Buffer;
  gzipped?: Buffer;
  /** The build's own brotli copy (`<file>.br`), smaller than gzip, where it made one. */
  brotli?: Buffer;
  type: string;
  etag: string;
  cacheControl: string;
}

/**
 * The built console, read once at start into memory (a few hundred kilobytes): requests
 * never touch the file system, so no path can reach outside it, and each text file is
 * compressed once. A rebuild is served after the gateway restarts (`npm start` builds first).
 */
export function readConsole(directory: string): Map<string, ConsoleFile> | undefined {
  if (!existsSync(path.join(directory, 'index.html'))) return undefined;
  const files = new Map<string, ConsoleFile>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        continue;
      }
      // A compressed copy is sent in place of its file, never as a file of its own.
      if (name.endsWith('.br')) continue;
      const url = `/${path.relative(directory, full).split(path.sep).join('/')}`;
      const extension = path.extname(name);
      const body = readFileSync(full);
      files.set(url, {
        body,
        ...(COMPRESSIBLE.has(extension) && body.length > 1024
          ? { gzipped: gzipSync(body, { level: 9 }) }
          : {}),
        ...(existsSync(`${full}.br`) ? { brotli: readFileSync(`${full}.br`) } : {}),
        type: TYPES[extension] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        // Vite names what it builds under assets/ by its content: a new build is a new name.
        cacheControl: url.startsWith('/assets/')
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
      });
    }
  };
  walk(directory);
  return files;
}

export interface ConsoleRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface ConsoleResponse {
  status(code: number): ConsoleResponse;
  setHeader(name: string, value: string): unknown;
  end(body?: Buffer): void;
}

export function isApiPath(urlPath: string): boolean {
  return API_PATHS.some((prefix) => urlPath === prefix || urlPath.startsWith(`${prefix}/`));
}

/**
 * What answers a request, or undefined to let the API's routes (or their 404) have it:
 * a file of the build; for a path of the console's own (no extension, not under
 * assets/), its page; never anything for an API path.
 */
export function consoleFileFor(
  files: ReadonlyMap<string, ConsoleFile>,
  method: string,
  urlPath: string,
): ConsoleFile | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  if (isApiPath(urlPath)) return undefined;
  const file = files.get(urlPath === '/' ? '/index.html' : urlPath);
  if (file) return file;
  // A missing script or image must fail as such, not load a page in its place.
  if (urlPath.startsWith('/assets/') || path.posix.extname(urlPath) !== '') return undefined;
  return files.get('/index.html');
}

export function sendConsoleFile(
  req: ConsoleRequest,
  res: ConsoleResponse,
  file: ConsoleFile,
  csp = CONSOLE_CSP,
): void {
  for (const [name, value] of Object.entries(HEADERS)) res.setHeader(name, value);
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('Content-Type', file.type);
  res.setHeader('Cache-Control', file.cacheControl);
  res.setHeader('ETag', file.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  const ifNoneMatch = header(req, 'if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.split(/\s*,\s*/).includes(file.etag)) {
    res.status(304).end();
    return;
  }
  const accepted = header(req, 'accept-encoding') ?? '';
  const [encoding, body] =
    file.brotli && /\bbr\b/.test(accepted)
      ? ['br', file.brotli]
      : file.gzipped && /\bgzip\b/.test(accepted)
        ? ['gzip', file.gzipped]
        : [undefined, file.body];
  if (encoding) res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', String(body.length));
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}

function header(req: ConsoleRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

interface Http {
  use(handler: (req: ConsoleRequest, res: ConsoleResponse, next: () => void) => void): unknown;
}

/** The console's sign-in configuration as a file of its own, never kept (a change shows at once). */
export function consoleConfigFile(signIn: ConsoleSignIn): ConsoleFile {
  const body = Buffer.from(JSON.stringify(signIn));
  return {
    body,
    type: TYPES['.json']!,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    cacheControl: 'no-cache',
  };
}

/**
 * Serves the console from `directory`, and how people sign in at `/console/config.json`.
 * Without a build the gateway still starts (the API does not need the console) and says
 * how to make one.
 */
export function registerConsole(
  http: Http,
  signIn: ConsoleSignIn = { oidc: null },
  directory = CONSOLE_DIRECTORY,
): void {
  const logger = new Logger('Console');
  const files = readConsole(directory);
  if (!files) {
    logger.warn(`console not built (${directory}): nx build console, or npm start, builds it`);
    return;
  }
  const csp = consoleCsp(signIn.oidc?.issuer);
  files.set(CONSOLE_CONFIG_PATH, consoleConfigFile(signIn));
  logger.log(
    `console served at / from ${directory} (${files.size} files); sign-in ${signIn.oidc ? `with ${signIn.oidc.issuer}` : 'with pasted tokens'}`,
  );
  http.use((req, res, next) => {
    const file = consoleFileFor(files, req.method, req.path);
    if (file) sendConsoleFile(req, res, file, csp);
    else next();
  });
}
