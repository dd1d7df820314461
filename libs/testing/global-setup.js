// Jest global setup for integration runs: the tests use this machine's PostgreSQL,
// Redis and NATS when they answer; when they do not and a Docker engine exists,
// containers are started for the run instead (testcontainers).
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

function reachable(url, defaultPort) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || defaultPort), timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const services = [
  {
    variable: 'TEST_POSTGRES_URL',
    fallback: 'postgres://boucle:boucle@127.0.0.1:5432/postgres',
    port: 5432,
    async start(tc) {
      const c = await new tc.GenericContainer('postgres:16-alpine')
        .withEnvironment({
          POSTGRES_USER: 'boucle',
          POSTGRES_PASSWORD: 'boucle',
          POSTGRES_DB: 'postgres',
        })
        .withExposedPorts(5432)
        .withWaitStrategy(
          tc.Wait.forLogMessage(/database system is ready to accept connections/, 2),
        )
        .start();
      return [c, `postgres://boucle:boucle@${c.getHost()}:${c.getMappedPort(5432)}/postgres`];
    },
  },
  {
    variable: 'TEST_NATS_URL',
    fallback: 'nats://127.0.0.1:4222',
    port: 4222,
    async start(tc) {
      const c = await new tc.GenericContainer('nats:2.10-alpine')
        .withCommand(['-js'])
        .withExposedPorts(4222)
        .start();
      return [c, `nats://${c.getHost()}:${c.getMappedPort(4222)}`];
    },
  },
  {
    variable: 'TEST_REDIS_URL',
    fallback: 'redis://127.0.0.1:6379',
    port: 6379,
    async start(tc) {
      const c = await new tc.GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
      return [c, `redis://${c.getHost()}:${c.getMappedPort(6379)}`];
    },
  },
];

export default async function globalSetup(globalConfig) {
  const selected = globalConfig.selectProjects;
  if (selected && !selected.includes('integration')) return;
  const missing = [];
  for (const service of services) {
    const url = process.env[service.variable] ?? service.fallback;
    if (!(await reachable(url, service.port))) missing.push(service);
  }
  if (missing.length === 0) return;
  const docker = process.env.DOCKER_HOST || existsSync('/var/run/docker.sock');
  if (!docker) {
    throw new Error(
      `not reachable: ${missing.map((s) => process.env[s.variable] ?? s.fallback).join(', ')}; ` +
        'start them (bash scripts/ensure-services.sh) or set TEST_POSTGRES_URL / TEST_NATS_URL / TEST_REDIS_URL',
    );
  }
  const tc = await import('testcontainers');
  globalThis.__boucleContainers = [];
  for (const service of missing) {
    const [container, url] = await service.start(tc);
    globalThis.__boucleContainers.push(container);
    // Workers start after this and inherit the environment.
    process.env[service.variable] = url;
  }
}
