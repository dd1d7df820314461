/*
 * The browsable reference at `/docs`: Swagger UI from the swagger-ui-dist package,
 * served by the gateway itself (no CDN), pointed at `/openapi.json`. The page has no
 * inline script or style, so its Content-Security-Policy allows only this origin.
 */

/** Where the page and its assets live; absolute, so `/docs/` finds them as well as `/docs`. */
export const DOCS_PATH = '/docs';

/** The files of swagger-ui-dist the page loads, and nothing else of the package. */
export const SWAGGER_UI_FILES = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
} as const;

/**
 * Only this origin, for scripts, styles, the documents and "Try it out" requests.
 * `data:` images are the icons swagger-ui.css embeds. Swagger UI sets element styles
 * through the DOM, which `style-src` does not govern.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sent with the page and its assets. */
export const DOCS_HEADERS: Record<string, string> = {
  'Content-Security-Policy': DOCS_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Boucle API</title>
    <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css" />
    <link rel="stylesheet" href="${DOCS_PATH}/docs.css" />
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" />
  </head>
  <body>
    <header class="boucle-docs">
      <strong>Boucle</strong>
      <a href="/openapi.json">HTTP API: OpenAPI 3.1</a>
      <a href="/asyncapi.json">Events: AsyncAPI 3.0</a>
    </header>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_PATH}/swagger-initializer.js"></script>
  </body>
</html>
`;

/**
 * Our own initializer in place of the package's (which loads the petstore): the base
 * layout, without the top bar that lets a visitor load any URL into the page; no
 * configuration read from the query string; no validator badge fetched from elsewhere.
 */
export const DOCS_INITIALIZER = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  queryConfigEnabled: false,
  validatorUrl: null,
});
`;

export const DOCS_CSS = `.boucle-docs {
  display: flex;
  gap: 1.5rem;
  align-items: baseline;
  max-width: 1460px;
  margin: 0 auto;
  padding: 1rem 20px;
  font-family: sans-serif;
}
.boucle-docs a {
  color: #3b4151;
}
`;
