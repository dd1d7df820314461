import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Provider from 'oidc-provider';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '@boucle/testing';
import { CHROMIUM, expectAccessible, screenshot } from './browser';
import { registerMember, startConsoleSystem, type ConsoleSystem } from './system';

/** The issuer the tests' gateway trusts (system.ts); here a real OIDC provider answers for it. */
const ISSUER = 'https://id.example/realms/console-tests';
const PREFIX = new URL(ISSUER).pathname;
const AUDIENCE = 'boucle';
const CLIENT_ID = 'console';
/**
 * The access token's lifetime at the provider: short, so that a test outlives a token. The
 * console renews a token a minute before it expires (oidc-client-ts' default), here 5 s
 * after each is issued.
 */
const ACCESS_TOKEN_SECONDS = 65;

interface TestProvider {
  port: number;
  close(): Promise<void>;
}

/** The provider's public keys over plain HTTP, for the gateway, which trusts no self-signed certificate. */
async function serveKeys(publicKey: KeyObject): Promise<{ url: string; server: Server }> {
  const jwk = {
    ...publicKey.export({ format: 'jwk' }),
    kid: 'console-tests',
    alg: 'RS256',
    use: 'sig',
  };
  const server = createHttpServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
  );
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/jwks`, server };
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/**
 * A real OIDC provider (oidc-provider) at the tests' issuer over HTTPS (a self-signed
 * certificate; Chromium maps id.example to it), whose access tokens are JWTs for the
 * gateway's audience carrying the person's role and organisation.
 */
async function startProvider(options: {
  consoleUrl: string;
  key: KeyObject;
  claims: (sub: string) => Record<string, unknown>;
}): Promise<TestProvider> {
  const jwk = {
    ...options.key.export({ format: 'jwk' }),
    kid: 'console-tests',
    alg: 'RS256',
    use: 'sig',
  };
  const provider = new Provider(ISSUER, {
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'none',
        redirect_uris: [`${options.consoleUrl}/sign-in/callback`],
        post_logout_redirect_uris: [`${options.consoleUrl}/sign-in`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk as never] },
    scopes: ['openid', 'offline_access', 'api'],
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    // A refresh token with every sign-in, as Keycloak gives one; oidc-provider's default gives
    // one only for offline_access asked with prompt=consent (a consent page at each sign-in).
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    extraTokenClaims: (_ctx: unknown, token: { accountId?: unknown }) =>
      typeof token.accountId === 'string' ? options.claims(token.accountId) : undefined,
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => 'urn:boucle:api',
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'api',
          audience: AUDIENCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: ACCESS_TOKEN_SECONDS,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  provider.proxy = true;
  const folder = mkdtempSync(path.join(tmpdir(), 'console-oidc-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=id.example',
      '-addext',
      'subjectAltName=DNS:id.example',
      '-days',
      '1',
      '-keyout',
      path.join(folder, 'key.pem'),
      '-out',
      path.join(folder, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const callback = provider.callback();
  const https = createHttpsServer(
    {
      key: readFileSync(path.join(folder, 'key.pem')),
      cert: readFileSync(path.join(folder, 'cert.pem')),
    },
    (req, res) => {
      // Mounted under the issuer's path, as Express would mount it.
      const url = req.url ?? '/';
      if (!url.startsWith(PREFIX)) return void res.writeHead(404).end();
      Object.assign(req, { originalUrl: url, url: url.slice(PREFIX.length) || '/' });
      req.headers['x-forwarded-proto'] = 'https';
      req.headers['x-forwarded-host'] = 'id.example';
      void callback(req, res);
    },
  );
  rmSync(folder, { recursive: true, force: true });
  const port = await freePort();
  await new Promise<void>((resolve) => https.listen(port, '127.0.0.1', resolve));
  return { port, close: () => closeServer(https) };
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

/**
 * Through the provider's own pages (login, then consent), from the console's sign-in page,
 * back on the console signed in.
 */
async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.getByRole('button', { name: 'Se connecter avec le compte du pôle' }).click();
  await page.waitForURL((u) => u.hostname === 'id.example');
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((u) => u.hostname !== 'id.example' && !u.pathname.startsWith('/sign-in'));
  await page.getByText('Accueil', { exact: true }).first().waitFor();
}

function signed(key: KeyObject, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: 'console-tests' })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/**
 * Sign-in at an OIDC provider in a real Chromium against the real system: the console
 * told by the gateway at run time which provider and client to use, the authorization
 * code flow with PKCE through the provider's own pages, the API called as that person,
 * and sign-out at the provider.
 */
describe('Console: sign-in with an OIDC provider', () => {
  let system: ConsoleSystem;
  let provider: TestProvider;
  let keys: { url: string; server: Server };
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let browser: Browser;
  let context: BrowserContext;
  let member: Awaited<ReturnType<typeof registerMember>>;
  const login = `elise-${Date.now().toString(36)}`;
  const saved: Record<string, string | undefined> = {};
  const gatewayEnv = (jwksUrl: string) => ({
    // Passed through to the gateway (system.ts sets none of them).
    AUTH_JWKS_URL: jwksUrl,
    CONSOLE_OIDC_ISSUER: ISSUER,
    CONSOLE_OIDC_CLIENT_ID: CLIENT_ID,
    CONSOLE_OIDC_SCOPE: 'openid offline_access api',
  });

  beforeAll(async () => {
    keys = await serveKeys(publicKey);
    const env = gatewayEnv(keys.url);
    for (const [name, value] of Object.entries(env)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    try {
      system = await startConsoleSystem();
    } finally {
      for (const [name, value] of Object.entries(saved))
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
    }
    member = await registerMember(system, {
      kind: 'reuse-village',
      siteKind: 'reuse-village',
      name: 'Ressourcerie de la Somme',
    });
    provider = await startProvider({
      consoleUrl: system.url,
      key: privateKey,
      claims: () => ({ boucle_role: 'operator', boucle_org: member.organisationId }),
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        // The provider's name on this machine; nothing else is looked up.
        `--host-resolver-rules=MAP id.example:443 127.0.0.1:${provider.port}, EXCLUDE 127.0.0.1`,
      ],
    });
    context = await browser.newContext({
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      viewport: { width: 1024, height: 900 },
      serviceWorkers: 'block',
      ignoreHTTPSErrors: true,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await provider?.close();
    if (keys) await closeServer(keys.server);
    await system?.close();
  });

  it('should tell the console its provider and let its pages reach it', async () => {
    const response = await fetch(`${system.url}/console/config.json`);
    expect(await response.json()).toEqual({
      oidc: { issuer: ISSUER, clientId: CLIENT_ID, scope: 'openid offline_access api' },
    });
    const page = await fetch(`${system.url}/sign-in`);
    expect(page.headers.get('content-security-policy')).toContain(
      "connect-src 'self' https://id.example;",
    );
  });

  it('should sign in at the provider, call the API as that person, and sign out', async () => {
    const page = await context.newPage();
    await page.goto(`${system.url}/sign-in`);
    const button = page.getByRole('button', { name: 'Se connecter avec le compte du pôle' });
    await button.waitFor();
    await expectAccessible(page, 'sign-in with a provider');
    await screenshot(page, 'oidc-sign-in');

    await signInAtProvider(page, login);
    // The provider's access token, as the console sends it to the gateway.
    const token = (await page.evaluate(() => sessionStorage.getItem('boucle.session')))!;
    expect(claimsOf(token)).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: login,
      boucle_role: 'operator',
      boucle_org: member.organisationId,
    });
    const goods = await system.call('GET', `/v1/goods?siteId=${member.siteId}&limit=1`, token);
    expect(goods.status).toBe(200);
    await screenshot(page, 'oidc-signed-in');

    const stored = () => page.evaluate(() => sessionStorage.getItem('boucle.session'));

    // Signed out here and at the provider: back on the sign-in page, nothing kept.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL((u) => u.hostname === 'id.example');
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL((u) => u.origin === system.url && u.pathname === '/sign-in');
    expect(await stored()).toBeNull();
    await page.goto(`${system.url}/`);
    await page.waitForURL((u) => u.pathname === '/sign-in');
    // The provider's session ended too: signing in again asks for the login.
    await page.getByRole('button', { name: 'Se connecter avec le compte du pôle' }).click();
    await page.locator('input[name="login"]').waitFor();
    await page.close();
  });

  it('should renew the access token before it expires, and send to sign-in a session it cannot renew', async () => {
    const page = await context.newPage();
    await page.goto(`${system.url}/sign-in`);
    await signInAtProvider(page, login);
    // Another person's tab (its own browser, its own provider session) whose provider is out of
    // reach once signed in: its token cannot be renewed.
    const cutOff = await browser.newContext({
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      serviceWorkers: 'block',
      ignoreHTTPSErrors: true,
    });
    const unrenewed = await cutOff.newPage();
    const errors: string[] = [];
    unrenewed.on('pageerror', (error) => errors.push(error.message));
    await unrenewed.goto(`${system.url}/sign-in`);
    await signInAtProvider(unrenewed, `${login}-2`);
    await unrenewed.route(
      (u) => u.hostname === 'id.example',
      (route) => route.abort('connectionrefused'),
    );
    await unrenewed.getByRole('link', { name: 'Stock', exact: true }).click();
    await unrenewed.getByRole('status').filter({ hasText: 'sur cette page' }).waitFor();

    const stored = async (tab: Page) =>
      (await tab.evaluate(() => sessionStorage.getItem('boucle.session')))!;
    const first = await stored(page);
    const firstExpiry = claimsOf(first)['exp'] as number;
    expect(firstExpiry - (claimsOf(first)['iat'] as number)).toBe(ACCESS_TOKEN_SECONDS);
    const unrenewedExpiry = claimsOf(await stored(unrenewed))['exp'] as number;

    // Past both first tokens' lifetimes: the pages were left open all along.
    const last = Math.max(firstExpiry, unrenewedExpiry);
    await page.waitForTimeout(Math.max(0, (last + 2) * 1000 - Date.now()));
    expect(new URL(page.url()).pathname).not.toMatch(/^\/sign-in/);

    // The API called from the page, as the gateway received it: a new token, taken.
    const request = page.waitForRequest((r) => new URL(r.url()).pathname === '/v1/goods');
    await page.getByRole('link', { name: 'Stock', exact: true }).click();
    const sent = await request;
    expect((await sent.response())?.status()).toBe(200);
    const token = (await sent.allHeaders())['authorization']!.replace(/^Bearer /, '');
    expect(token).not.toBe(first);
    const claims = claimsOf(token);
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: login,
      boucle_role: 'operator',
      boucle_org: member.organisationId,
    });
    expect(claims['exp'] as number).toBeGreaterThan(Date.now() / 1000);
    // The page shows the answer: no sign-in page, no problem.
    await page.getByRole('status').filter({ hasText: 'sur cette page' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/stock');

    // The tab that could not renew is back at sign-in, told why, its page kept for after.
    await unrenewed.waitForURL((u) => u.pathname === '/sign-in');
    expect(new URL(unrenewed.url()).searchParams.get('next')).toBe('/stock');
    await unrenewed.getByText('Votre session a pris fin', { exact: false }).waitFor();
    expect(await unrenewed.getByRole('alert').count()).toBe(0);
    expect(await stored(unrenewed)).toBeNull();
    expect(
      await unrenewed.evaluate(() =>
        Object.keys(sessionStorage).filter((k) => k.startsWith('oidc.')),
      ),
    ).toEqual([]);
    expect(errors).toEqual([]);
    await cutOff.close();
    await page.close();
  });

  it('should refuse a token of another issuer, even signed by a key the gateway knows', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: login,
      aud: AUDIENCE,
      iat: now,
      exp: now + 300,
      boucle_role: 'operator',
      boucle_org: member.organisationId,
    };
    const other = await system.call(
      'GET',
      '/v1/goods?limit=1',
      signed(privateKey, { ...claims, iss: 'https://id.elsewhere.example/' }),
    );
    expect(other.status).toBe(401);
    // The same token from the provider's issuer is taken: only the issuer differed.
    const same = await system.call(
      'GET',
      '/v1/goods?limit=1',
      signed(privateKey, { ...claims, iss: ISSUER }),
    );
    expect(same.status).toBe(200);
  });
});
