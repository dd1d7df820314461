// The Kubernetes manifests, rendered by kustomize (base and each overlay), checked object by
// object against the Kubernetes schemas, then against the rules of this deployment:
// workloads that survive a node going away and run unprivileged, a NATS cluster that keeps
// three copies of every stream, secrets that live only in the secret store, and an
// environment each service's own configuration accepts.
import { generateKeyPairSync } from 'node:crypto';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IService } from 'kubernetes-models/v1/Service';
import { serviceShape } from '@boucle/config';
// The deploy checks read each service's configuration schema, to prove that the manifests
// give it an environment it accepts; nothing at run time depends on this.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadCollectionConfig } from '../../services/collection/src/config/collection.config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadGatewayConfig } from '../../services/gateway/src/config/gateway.config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadInventoryConfig } from '../../services/inventory/src/config/inventory.config.js';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadMatchingConfig } from '../../services/matching/src/config/matching.config.js';
import {
  generated,
  kustomize,
  matchesSelector,
  named,
  readRepoFile,
  validateAgainstSchema,
  type KubeObject,
} from './manifests.js';

const RENDERS = ['deploy/kubernetes/base', 'deploy/kubernetes/overlays/production'] as const;
const rendered = new Map(RENDERS.map((dir) => [dir, kustomize(dir)]));
const render = (dir: (typeof RENDERS)[number]) => rendered.get(dir)!;
const PRODUCTION = 'deploy/kubernetes/overlays/production';

/** Variables whose value is a credential, or carries one. */
const SECRET_NAME = /PASSWORD|PRIVATE_KEY|SECRET|TOKEN|CREDENTIAL|DATABASE_URL|REDIS_URL/;

type Workload = (IDeployment | IStatefulSet) & KubeObject;

function workloads(objects: KubeObject[]): Workload[] {
  return objects.filter((o): o is Workload => o.kind === 'Deployment' || o.kind === 'StatefulSet');
}

function podSpec(workload: Workload): IPodSpec {
  const spec = workload.spec?.template.spec;
  if (!spec) throw new Error(`${workload.kind}/${workload.metadata.name} has no pod spec`);
  return spec;
}

function containers(workload: Workload): IContainer[] {
  const spec = podSpec(workload);
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** Custom resources have no published schema in kubernetes-models: their required shape. */
const CUSTOM_RESOURCES: Record<string, (o: KubeObject) => string[]> = {
  'external-secrets.io/v1/ExternalSecret': (o) => {
    const spec = o.spec as {
      secretStoreRef?: { kind?: string; name?: string };
      target?: { name?: string; template?: unknown };
      data?: { secretKey?: string; remoteRef?: { key?: string } }[];
    };
    const problems: string[] = [];
    if (
      !spec.secretStoreRef?.name ||
      !['SecretStore', 'ClusterSecretStore'].includes(spec.secretStoreRef.kind ?? '')
    )
      problems.push('spec.secretStoreRef needs a name and kind SecretStore or ClusterSecretStore');
    if (!spec.target?.name) problems.push('spec.target.name is required');
    // A template may write literal values into the Secret: none here.
    if (spec.target?.template !== undefined) problems.push('spec.target.template is not used here');
    if (!spec.data?.length) problems.push('spec.data lists no key');
    for (const [i, entry] of (spec.data ?? []).entries()) {
      if (!entry.secretKey || !entry.remoteRef?.key)
        problems.push(`spec.data[${i}] needs secretKey and remoteRef.key`);
    }
    return problems;
  },
  'cert-manager.io/v1/Certificate': (o) => {
    const spec = o.spec as {
      secretName?: string;
      issuerRef?: { name?: string };
      dnsNames?: string[];
    };
    const problems: string[] = [];
    if (!spec.secretName) problems.push('spec.secretName is required');
    if (!spec.issuerRef?.name) problems.push('spec.issuerRef.name is required');
    if (!spec.dnsNames?.length) problems.push('spec.dnsNames lists no name');
    return problems;
  },
};

describe.each(RENDERS)('%s', (dir) => {
  const objects = render(dir);

  it('should render objects, each with a kind and a name', () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects)
      expect([o.kind, o.metadata.name]).toEqual([expect.any(String), expect.any(String)]);
  });

  it('should give every object a valid schema: Kubernetes for built-in kinds, the rule for custom ones', () => {
    for (const o of objects) {
      if (validateAgainstSchema(o)) continue;
      const check = CUSTOM_RESOURCES[`${o.apiVersion}/${o.kind}`];
      if (!check)
        throw new Error(
          `${o.apiVersion} ${o.kind}/${o.metadata.name}: no schema nor check for this kind`,
        );
      expect({ object: `${o.kind}/${o.metadata.name}`, problems: check(o) }).toEqual({
        object: `${o.kind}/${o.metadata.name}`,
        problems: [],
      });
    }
  });

  describe('every workload', () => {
    it.each(workloads(objects).map((w) => [`${w.kind}/${w.metadata.name}`, w] as const))(
      '%s should run unprivileged on a read-only filesystem',
      (_name, workload) => {
        const spec = podSpec(workload);
        expect(spec.securityContext?.runAsNonRoot).toBe(true);
        expect(spec.securityContext?.runAsUser ?? 1000).toBeGreaterThan(0);
        // No Kubernetes API token in pods that never call the API.
        expect(spec.automountServiceAccountToken).toBe(false);
        for (const c of containers(workload)) {
          expect({ container: c.name, securityContext: c.securityContext }).toEqual({
            container: c.name,
            securityContext: expect.objectContaining({
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: expect.objectContaining({ drop: expect.arrayContaining(['ALL']) }),
            }),
          });
        }
      },
    );

    it.each(workloads(objects).map((w) => [`${w.kind}/${w.metadata.name}`, w] as const))(
      '%s should have liveness and readiness probes, requests and limits',
      (_name, workload) => {
        for (const c of podSpec(workload).containers) {
          expect({
            container: c.name,
            liveness: !!c.livenessProbe,
            readiness: !!c.readinessProbe,
          }).toEqual({
            container: c.name,
            liveness: true,
            readiness: true,
          });
          for (const bound of ['requests', 'limits'] as const) {
            expect({ container: c.name, bound, value: c.resources?.[bound] }).toEqual({
              container: c.name,
              bound,
              value: expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
            });
          }
        }
      },
    );

    it.each(workloads(objects).map((w) => [`${w.kind}/${w.metadata.name}`, w] as const))(
      '%s should have at least 2 replicas and a disruption budget selecting its pods',
      (_name, workload) => {
        expect(workload.spec?.replicas ?? 1).toBeGreaterThanOrEqual(2);
        const labels = workload.spec?.template.metadata?.labels;
        const budgets = objects
          .filter((o): o is IPodDisruptionBudget & KubeObject => o.kind === 'PodDisruptionBudget')
          .filter((pdb) => matchesSelector(pdb.spec?.selector?.matchLabels, labels));
        expect(budgets.map((b) => b.metadata.name)).toEqual([workload.metadata.name]);
        // A budget that lets no pod go blocks every node drain.
        expect(budgets[0]!.spec?.maxUnavailable ?? 1).not.toBe(0);
      },
    );

    it.each(workloads(objects).map((w) => [`${w.kind}/${w.metadata.name}`, w] as const))(
      '%s should be reached through a Service selecting its pods',
      (_name, workload) => {
        const labels = workload.spec?.template.metadata?.labels;
        const services = objects
          .filter((o): o is IService & KubeObject => o.kind === 'Service')
          .filter((s) => matchesSelector(s.spec?.selector, labels));
        expect(services.length).toBeGreaterThan(0);
      },
    );
  });

  describe('NATS', () => {
    const nats = named<IStatefulSet & KubeObject>(objects, 'StatefulSet', 'nats');
    const serverConfig = generated(objects, 'ConfigMap', 'nats-server-config') as IConfigMap &
      KubeObject;
    const clusterConfig = generated(objects, 'ConfigMap', 'nats-cluster-config') as IConfigMap &
      KubeObject;
    const container = podSpec(nats).containers.find((c) => c.name === 'nats')!;

    it('should run 3 nodes, each with its own JetStream volume at the store directory', () => {
      expect(nats.spec?.replicas).toBe(3);
      const storeDir = /store_dir:\s*(\S+)/.exec(serverConfig.data!['nats-server.conf']!)![1]!;
      const claims = nats.spec?.volumeClaimTemplates ?? [];
      expect(claims.map((c) => c.spec?.resources?.requests?.storage)).toEqual([
        expect.stringMatching(/^\d+Gi$/),
      ]);
      const mount = container.volumeMounts?.find((m) => m.name === claims[0]!.metadata?.name);
      expect(storeDir.startsWith(`${mount!.mountPath}/`)).toBe(true);
      // No two nodes on one machine.
      expect(
        podSpec(nats).affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0]
          ?.topologyKey,
      ).toBe('kubernetes.io/hostname');
    });

    it('should mount deploy/nats/nats-server.conf and accounts.conf unchanged', () => {
      expect(serverConfig.data).toEqual({
        'nats-server.conf': readRepoFile('deploy/nats/nats-server.conf'),
        'accounts.conf': readRepoFile('deploy/nats/accounts.conf'),
      });
      const sources =
        podSpec(nats).volumes?.find((v) => v.name === 'config')?.projected?.sources ?? [];
      const projected = sources.flatMap((s) => [s.configMap?.name, s.secret?.name]).filter(Boolean);
      expect(projected).toEqual(
        expect.arrayContaining([serverConfig.metadata.name, clusterConfig.metadata.name]),
      );
      const configPath = container.command![container.command!.indexOf('--config') + 1]!;
      const mount = container.volumeMounts!.find((m) => m.name === 'config')!;
      expect(configPath).toBe(`${mount.mountPath}/cluster.conf`);
      expect(clusterConfig.data!['cluster.conf']).toMatch(/^include \.\/nats-server\.conf$/m);
    });

    it('should route each node to every pod of the headless Service', () => {
      const headless = named<IService & KubeObject>(objects, 'Service', nats.spec!.serviceName!);
      expect(headless.spec?.clusterIP).toBe('None');
      expect(headless.spec?.publishNotReadyAddresses).toBe(true);
      expect(headless.spec?.ports?.map((p) => p.port)).toContain(6222);
      const routes = [
        ...clusterConfig.data!['cluster.conf']!.matchAll(/nats-route:\/\/(\S+)/g),
      ].map((m) => m[1]);
      expect(routes).toEqual(
        Array.from(
          { length: nats.spec!.replicas! },
          (_, i) => `nats-${i}.${headless.metadata.name}:6222`,
        ),
      );
    });

    it('should give the server every password accounts.conf reads, from a Secret, and its name', () => {
      const variables = [
        ...serverConfig.data!['accounts.conf']!.matchAll(/\$(NATS_[A-Z]+_PASSWORD)/g),
      ].map((m) => m[1]);
      expect(variables.length).toBeGreaterThan(0);
      for (const variable of variables) {
        const entry = container.env?.find((e) => e.name === variable);
        expect({ variable, from: entry?.valueFrom?.secretKeyRef?.name }).toEqual({
          variable,
          from: 'nats-users',
        });
      }
      const serverName = container.env?.find((e) => e.name === 'SERVER_NAME');
      expect(serverName?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    });

    it('should place the certificate where nats-server.conf reads it', () => {
      const files = [
        ...serverConfig.data!['nats-server.conf']!.matchAll(/(?:cert|key|ca)_file:\s*"([^"]+)"/g),
      ].map((m) => m[1]);
      const mount = container.volumeMounts!.find((m) => m.name === 'config')!.mountPath;
      const sources = podSpec(nats).volumes!.find((v) => v.name === 'config')!.projected!.sources!;
      const provided = sources.flatMap(
        (s) => s.secret?.items?.map((i) => `${mount}/${i.path}`) ?? [],
      );
      expect(files.length).toBe(3);
      expect(provided).toEqual(expect.arrayContaining(files));
    });

    it('should let at most one node go at a time', () => {
      const pdb = named<IPodDisruptionBudget & KubeObject>(objects, 'PodDisruptionBudget', 'nats');
      expect(pdb.spec?.maxUnavailable).toBe(1);
    });

    it('should have services keep no more stream copies than there are nodes', () => {
      for (const cm of objects.filter(
        (o): o is IConfigMap & KubeObject => o.kind === 'ConfigMap',
      )) {
        const replicas = cm.data?.STREAM_REPLICAS;
        if (replicas !== undefined)
          expect(Number(replicas)).toBeLessThanOrEqual(nats.spec!.replicas!);
      }
    });
  });

  describe('secrets', () => {
    it('should hold no Secret: their values come from the secret store', () => {
      expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name)).toEqual([]);
    });

    it('should take every credential variable from a Secret, never from a value', () => {
      for (const workload of workloads(objects)) {
        for (const c of containers(workload)) {
          for (const e of c.env ?? []) {
            if (!SECRET_NAME.test(e.name)) continue;
            expect({
              variable: e.name,
              value: e.value,
              secret: !!e.valueFrom?.secretKeyRef,
            }).toEqual({
              variable: e.name,
              value: undefined,
              secret: true,
            });
          }
        }
      }
    });

    it('should put no credential in a ConfigMap', () => {
      for (const cm of objects.filter(
        (o): o is IConfigMap & KubeObject => o.kind === 'ConfigMap',
      )) {
        for (const [key, value] of Object.entries(cm.data ?? {})) {
          const where = `${cm.metadata.name}: ${key}`;
          expect({ where, secretName: SECRET_NAME.test(key) }).toEqual({
            where,
            secretName: false,
          });
          expect({ where, privateKey: /PRIVATE KEY/.test(value) }).toEqual({
            where,
            privateKey: false,
          });
          expect({ where, urlPassword: /:\/\/[^/\s:@]+:[^/\s@]+@/.test(value) }).toEqual({
            where,
            urlPassword: false,
          });
          // NATS passwords are read from the environment ($NATS_..._PASSWORD), never written.
          expect({ where, literal: /password:\s*[^$\s]/.test(value) }).toEqual({
            where,
            literal: false,
          });
        }
      }
    });
  });
});

describe('production', () => {
  const objects = render(PRODUCTION);
  const externalSecrets = objects.filter((o) => o.kind === 'ExternalSecret') as (KubeObject & {
    spec: {
      target: { name: string };
      data: { secretKey: string; remoteRef: { key: string; property?: string } }[];
    };
  })[];
  const certificates = objects.filter((o) => o.kind === 'Certificate') as (KubeObject & {
    spec: { secretName: string };
  })[];

  /** Where a Secret's key comes from: the store entry, or the certificate that issues it. */
  function origin(secret: string, key: string): string | undefined {
    for (const es of externalSecrets.filter((e) => e.spec.target.name === secret)) {
      const entry = es.spec.data.find((d) => d.secretKey === key);
      if (entry) return `${entry.remoteRef.key}#${entry.remoteRef.property ?? ''}`;
    }
    if (
      certificates.some((c) => c.spec.secretName === secret) &&
      ['tls.crt', 'tls.key', 'ca.crt'].includes(key)
    )
      return `certificate:${secret}`;
    return undefined;
  }

  function configMapOf(workload: Workload): Record<string, string> {
    const refs = podSpec(workload)
      .containers.flatMap((c) => c.envFrom ?? [])
      .map((e) => e.configMapRef?.name);
    return Object.assign(
      {},
      ...objects
        .filter(
          (o): o is IConfigMap & KubeObject =>
            o.kind === 'ConfigMap' && refs.includes(o.metadata.name),
        )
        .map((cm) => cm.data ?? {}),
    ) as Record<string, string>;
  }

  it('should enforce the restricted pod security standard on its namespace', () => {
    const namespace = named(objects, 'Namespace', 'boucle');
    expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of objects.filter((x) => x.kind !== 'Namespace'))
      expect(o.metadata.namespace).toBe('boucle');
  });

  it('should run every service the gateway fronts, with 2 replicas or more', () => {
    for (const name of ['inventory', 'collection', 'matching', 'gateway'])
      expect(
        named<IDeployment & KubeObject>(objects, 'Deployment', name).spec?.replicas,
      ).toBeGreaterThanOrEqual(2);
  });

  it("should let every service that connects to NATS through the broker's network policy", () => {
    const policy = named<INetworkPolicy & KubeObject>(objects, 'NetworkPolicy', 'nats');
    const client = policy.spec?.ingress?.find((rule) => rule.ports?.some((p) => p.port === 4222));
    const allowed = (client?.from ?? []).flatMap(
      (peer) =>
        peer.podSelector?.matchExpressions?.find((e) => e.key === 'app.kubernetes.io/name')
          ?.values ?? [],
    );
    const connecting = workloads(objects)
      .filter((w) => w.kind === 'Deployment' && configMapOf(w).NATS_URL !== undefined)
      .map((w) => w.metadata.name);
    expect(connecting).toEqual(
      expect.arrayContaining(['inventory', 'collection', 'matching', 'gateway']),
    );
    expect(allowed).toEqual(expect.arrayContaining(connecting));
  });

  it('should run 3 gateways and released images', () => {
    expect(named<IDeployment & KubeObject>(objects, 'Deployment', 'gateway').spec?.replicas).toBe(
      3,
    );
    for (const workload of workloads(objects).filter((w) => w.kind === 'Deployment')) {
      for (const c of podSpec(workload).containers)
        expect(c.image).toMatch(/^[a-z0-9.-]+\/.+:\d+\.\d+\.\d+$/);
    }
  });

  it('should have every Secret a pod reads provided by the secret store or a certificate', () => {
    for (const workload of workloads(objects)) {
      const spec = podSpec(workload);
      const wanted: [string, string][] = [
        ...containers(workload).flatMap((c) =>
          (c.env ?? []).flatMap((e) =>
            e.valueFrom?.secretKeyRef
              ? [[e.valueFrom.secretKeyRef.name!, e.valueFrom.secretKeyRef.key] as [string, string]]
              : [],
          ),
        ),
        ...(spec.volumes ?? []).flatMap((v) => [
          ...(v.secret?.items ?? []).map((i) => [v.secret!.secretName!, i.key] as [string, string]),
          ...(v.projected?.sources ?? []).flatMap((s) =>
            (s.secret?.items ?? []).map((i) => [s.secret!.name!, i.key] as [string, string]),
          ),
        ]),
      ];
      expect(wanted.length).toBeGreaterThan(0);
      for (const [secret, key] of wanted) {
        const where = `${workload.metadata.name} reads ${secret}/${key}`;
        expect({ where, origin: origin(secret, key) }).toEqual({
          where,
          origin: expect.any(String),
        });
      }
    }
  });

  it("should give each service the broker's password for its own NATS user", () => {
    const nats = named<IStatefulSet & KubeObject>(objects, 'StatefulSet', 'nats');
    const users = [...readRepoFile('deploy/nats/accounts.conf').matchAll(/user:\s*([a-z-]+)/g)].map(
      (m) => m[1],
    );
    for (const workload of workloads(objects).filter((w) => w.kind === 'Deployment')) {
      const user = configMapOf(workload).NATS_USER;
      expect(users).toContain(user);
      const password = podSpec(workload).containers[0]!.env!.find(
        (e) => e.name === 'NATS_PASSWORD',
      )!.valueFrom!.secretKeyRef!;
      const brokerSide = podSpec(nats).containers[0]!.env!.find(
        (e) => e.name === `NATS_${user!.toUpperCase()}_PASSWORD`,
      )!.valueFrom!.secretKeyRef!;
      expect(origin(password.name!, password.key)).toBe(origin(brokerSide.name!, brokerSide.key));
    }
  });

  describe("each service's environment, as its own configuration reads it", () => {
    const identity = generateKeyPairSync('ed25519', {
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    // Stand-ins of the right form for what the secret store holds.
    const STAND_INS: Record<string, string> = {
      DATABASE_URL: 'postgres://inventory:stand-in@pgbouncer:6432/inventory',
      REDIS_URL: 'rediss://:stand-in@redis:6380/0',
      NATS_PASSWORD: 'stand-in',
      IDENTITY_PUBLIC_KEYS: identity.publicKey,
      IDENTITY_PRIVATE_KEY: identity.privateKey,
      PERSONAL_DATA_KEYS: `prod-1:${Buffer.alloc(32, 7).toString('base64')}`,
    };

    function environment(name: string): Record<string, string> {
      const workload = named<IDeployment & KubeObject>(objects, 'Deployment', name);
      const env: Record<string, string> = { ...configMapOf(workload) };
      for (const e of podSpec(workload).containers[0]!.env ?? []) {
        if (e.value !== undefined) env[e.name] = e.value;
        else if (e.valueFrom?.secretKeyRef) {
          const standIn = STAND_INS[e.valueFrom.secretKeyRef.key];
          if (standIn === undefined)
            throw new Error(`no stand-in for secret key ${e.valueFrom.secretKeyRef.key}`);
          env[e.name] = standIn;
        }
      }
      return env;
    }

    it('should start the inventory with every variable of serviceShape it needs, and 3 stream copies', () => {
      const env = environment('inventory');
      const required = Object.entries(serviceShape)
        .filter(([, schema]) => !schema.safeParse(undefined).success)
        .map(([key]) => key);
      expect(Object.keys(env)).toEqual(expect.arrayContaining(required));
      const config = loadInventoryConfig(env);
      expect(config).toMatchObject({
        NODE_ENV: 'production',
        STREAM_REPLICAS: 3,
        NATS_USER: 'inventory',
      });
      expect(config.NATS_URL).toMatch(/^tls:\/\//);
    });

    it('should start collection with every variable of serviceShape it needs, its own NATS user and 3 stream copies', () => {
      const env = environment('collection');
      const required = Object.entries(serviceShape)
        .filter(([, schema]) => !schema.safeParse(undefined).success)
        .map(([key]) => key);
      expect(Object.keys(env)).toEqual(expect.arrayContaining(required));
      const config = loadCollectionConfig(env);
      expect(config).toMatchObject({
        NODE_ENV: 'production',
        HTTP_PORT: 3002,
        STREAM_REPLICAS: 3,
        NATS_USER: 'collection',
      });
      expect(config.NATS_URL).toMatch(/^tls:\/\//);
      // Its probes and metrics on the port it listens on.
      const container = podSpec(
        named<IDeployment & KubeObject>(objects, 'Deployment', 'collection'),
      ).containers[0]!;
      expect(container.ports?.map((p) => p.containerPort)).toEqual([config.HTTP_PORT]);
    });

    it('should start matching with every variable of serviceShape it needs, its own NATS user, 3 stream copies and its personal data keys', () => {
      const env = environment('matching');
      const required = Object.entries(serviceShape)
        .filter(([, schema]) => !schema.safeParse(undefined).success)
        .map(([key]) => key);
      expect(Object.keys(env)).toEqual(expect.arrayContaining(required));
      const config = loadMatchingConfig(env);
      expect(config).toMatchObject({
        NODE_ENV: 'production',
        HTTP_PORT: 3003,
        STREAM_REPLICAS: 3,
        NATS_USER: 'matching',
      });
      expect(config.NATS_URL).toMatch(/^tls:\/\//);
      // From the secret store, never the development key (production refuses to start without).
      expect(config.PERSONAL_DATA_KEYS.map((k) => k.id)).toEqual(['prod-1']);
      const container = podSpec(named<IDeployment & KubeObject>(objects, 'Deployment', 'matching'))
        .containers[0]!;
      expect(container.ports?.map((p) => p.containerPort)).toEqual([config.HTTP_PORT]);
      const keys = container.env?.find((e) => e.name === 'PERSONAL_DATA_KEYS');
      expect(keys?.valueFrom?.secretKeyRef).toEqual({
        name: 'matching-secrets',
        key: 'PERSONAL_DATA_KEYS',
      });
    });

    it('should start the gateway with its sign-in provider and signing key', () => {
      const config = loadGatewayConfig(environment('gateway'));
      expect(config).toMatchObject({ NODE_ENV: 'production', NATS_USER: 'gateway' });
      expect(config.AUTH_JWKS_URL).toMatch(/^https:\/\//);
      expect(config.NATS_URL).toMatch(/^tls:\/\//);
    });

    it('should point NATS_URL at the broker Service and its client port', () => {
      for (const name of ['inventory', 'collection', 'matching', 'gateway']) {
        const url = new URL(environment(name).NATS_URL!);
        const service = named<IService & KubeObject>(objects, 'Service', url.hostname);
        expect(service.spec?.ports?.map((p) => p.port)).toContain(Number(url.port));
        expect(service.spec?.selector).toEqual({ 'app.kubernetes.io/name': 'nats' });
      }
    });
  });
});
