export default async function globalTeardown() {
  for (const container of globalThis.__boucleContainers ?? []) await container.stop();
}
