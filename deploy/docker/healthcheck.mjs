// The container's health check: exits 0 when the service answers 2xx on the path given
// (default /health/live) at its HTTP_PORT on this container, 1 otherwise. Node's own fetch,
// since the slim image has neither curl nor wget.
const path = process.argv[2] ?? '/health/live';
const port = process.env.HTTP_PORT ?? '3000';
try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    signal: AbortSignal.timeout(4_000),
  });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
