import { describe, expect, it } from '@jest/globals';
import { loadGatewayConfig } from '../config/gateway.config.js';
import {
  CONSOLE_CSP,
  consoleConfigFile,
  consoleCsp,
  consoleFileFor,
  consoleSignIn,
  isApiPath,
  sendConsoleFile,
  type ConsoleFile,
} from './console.js';

const file = (name: string, cacheControl = 'no-cache'): ConsoleFile => ({
  body: Buffer.from(name),
  type: 'text/plain',
  etag: `"${name}"`,
  cacheControl,
});

const FILES = new Map<string, ConsoleFile>([
  ['/index.html', file('index')],
  ['/sw.js', file('sw')],
  ['/assets/index-abc123.js', file('script', 'public, max-age=31536000, immutable')],
]);

describe('consoleFileFor', () => {
  it('should answer the console page for a path the console routes in the browser', () => {
    expect(consoleFileFor(FILES, 'GET', '/')).toBe(FILES.get('/index.html'));
    expect(consoleFileFor(FILES, 'GET', '/stock')).toBe(FILES.get('/index.html'));
    expect(consoleFileFor(FILES, 'HEAD', '/goods/3f0c/passport')).toBe(FILES.get('/index.html'));
  });

  it('should answer a file of the build as itself', () => {
    expect(consoleFileFor(FILES, 'GET', '/assets/index-abc123.js')).toBe(
      FILES.get('/assets/index-abc123.js'),
    );
    expect(consoleFileFor(FILES, 'GET', '/sw.js')).toBe(FILES.get('/sw.js'));
  });

  it('should never answer an API path, even one that does not exist', () => {
    for (const path of [
      '/v1',
      '/v1/goods',
      '/v1/nothing/here',
      '/docs',
      '/docs/swagger-ui.css',
      '/openapi.json',
      '/asyncapi.json',
      '/health/live',
      '/metrics',
    ]) {
      expect(isApiPath(path)).toBe(true);
      expect(consoleFileFor(FILES, 'GET', path)).toBeUndefined();
    }
    // Only whole segments: a console path that starts like one is the console's.
    expect(isApiPath('/v1x')).toBe(false);
    expect(isApiPath('/documents')).toBe(false);
  });

  it('should not answer a missing script or file with the page', () => {
    expect(consoleFileFor(FILES, 'GET', '/assets/gone-123.js')).toBeUndefined();
    expect(consoleFileFor(FILES, 'GET', '/robots.txt')).toBeUndefined();
  });

  it('should leave other methods to the API', () => {
    expect(consoleFileFor(FILES, 'POST', '/stock')).toBeUndefined();
  });
});

describe('sendConsoleFile', () => {
  function exchange(headers: Record<string, string>, sent: ConsoleFile, method = 'GET') {
    const answer = {
      status: 0,
      headers: {} as Record<string, string>,
      body: undefined as Buffer | undefined,
    };
    const res = {
      status(code: number) {
        answer.status = code;
        return res;
      },
      setHeader(name: string, value: string) {
        answer.headers[name.toLowerCase()] = value;
      },
      end(body?: Buffer) {
        answer.body = body;
      },
    };
    sendConsoleFile({ method, path: '/', headers }, res, sent);
    return answer;
  }

  it('should send the console with its content security policy and caching', () => {
    const answer = exchange({}, FILES.get('/assets/index-abc123.js')!);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
    expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(answer.body?.toString()).toBe('script');
  });

  it('should answer 304 when the browser has this version', () => {
    const answer = exchange({ 'if-none-match': '"index"' }, FILES.get('/index.html')!);
    expect(answer.status).toBe(304);
    expect(answer.body).toBeUndefined();
  });

  it('should send the compressed copy to a browser that reads gzip', () => {
    const compressed = { ...file('big'), gzipped: Buffer.from('gz') };
    expect(
      exchange({ 'accept-encoding': 'gzip, br' }, compressed).headers['content-encoding'],
    ).toBe('gzip');
    expect(exchange({}, compressed).headers['content-encoding']).toBeUndefined();
  });

  it('should send the build’s brotli copy to a browser that reads it, gzip to one that does not', () => {
    const both = { ...file('big'), gzipped: Buffer.from('gz'), brotli: Buffer.from('br') };
    const brotli = exchange({ 'accept-encoding': 'gzip, deflate, br' }, both);
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.body?.toString()).toBe('br');
    expect(exchange({ 'accept-encoding': 'gzip' }, both).headers['content-encoding']).toBe('gzip');
  });
});

describe('the console sign-in configuration', () => {
  const base = {
    NATS_URL: 'nats://127.0.0.1:4222',
    REDIS_URL: 'redis://127.0.0.1:6379',
    AUTH_ISSUER: 'https://id.example/realms/boucle',
    AUTH_AUDIENCE: 'boucle',
    AUTH_JWKS_URL: 'https://id.example/realms/boucle/certs',
    IDENTITY_PRIVATE_KEY:
      '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----',
  };

  it('should tell the console its provider, and let its pages reach that origin only', () => {
    const config = loadGatewayConfig({
      ...base,
      CONSOLE_OIDC_ISSUER: 'https://id.example/realms/boucle',
      CONSOLE_OIDC_CLIENT_ID: 'console',
    });
    expect(consoleSignIn(config)).toEqual({
      oidc: {
        issuer: 'https://id.example/realms/boucle',
        clientId: 'console',
        scope: 'openid profile offline_access',
      },
    });
    expect(consoleCsp(config.CONSOLE_OIDC_ISSUER)).toContain(
      "connect-src 'self' https://id.example;",
    );
    expect(CONSOLE_CSP).toContain("connect-src 'self';");
  });

  it('should say pasted tokens only when no provider is named', () => {
    expect(consoleSignIn(loadGatewayConfig(base))).toEqual({ oidc: null });
  });

  it('should refuse half a configuration, and a scope without openid, naming the variable', () => {
    expect(() => loadGatewayConfig({ ...base, CONSOLE_OIDC_ISSUER: 'https://id.example' })).toThrow(
      /CONSOLE_OIDC_CLIENT_ID/,
    );
    expect(() =>
      loadGatewayConfig({
        ...base,
        CONSOLE_OIDC_ISSUER: 'https://id.example',
        CONSOLE_OIDC_CLIENT_ID: 'console',
        CONSOLE_OIDC_SCOPE: 'profile',
      }),
    ).toThrow(/CONSOLE_OIDC_SCOPE.*openid/);
  });

  it('should send the configured policy with every file', () => {
    const headers: Record<string, string> = {};
    const res = {
      status: () => res,
      setHeader: (name: string, value: string) => (headers[name] = value),
      end: () => undefined,
    };
    sendConsoleFile(
      { method: 'GET', path: '/console/config.json', headers: {} },
      res,
      consoleConfigFile({ oidc: null }),
      consoleCsp('http://127.0.0.1:4000/oidc'),
    );
    expect(headers['Content-Security-Policy']).toContain(
      "connect-src 'self' http://127.0.0.1:4000;",
    );
    expect(headers['Cache-Control']).toBe('no-cache');
  });
});
