// What the deploy tests read: files of the repository, Kubernetes manifests rendered by
// kustomize itself, and the published Kubernetes schemas (kubernetes-models) to check them
// against.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as batchV1 from 'kubernetes-models/batch/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as rbacV1 from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as coreV1 from 'kubernetes-models/v1';
import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export function readRepoFile(relative: string): string {
  return readFileSync(path.join(ROOT, relative), 'utf8');
}

export function readYaml<T>(relative: string): T {
  return parseYaml(readRepoFile(relative)) as T;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: IObjectMeta & { name: string };
  [field: string]: unknown;
}

/**
 * The kustomize that renders: a `kustomize` on PATH, else the one built into kubectl
 * (kubectl ships in this project's machine image). The real one rather than an imitation,
 * so that what is checked is what `kubectl apply -k` would send.
 */
function kustomizeCommand(): [string, string[]] {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'kustomize'))) return ['kustomize', ['build']];
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'kubectl'))) return ['kubectl', ['kustomize']];
  }
  throw new Error(
    'rendering the Kubernetes manifests needs kustomize or kubectl (with its built-in ' +
      'kustomize) on PATH; neither was found',
  );
}

/** The objects `kubectl kustomize <dir>` renders, dir relative to the repository. */
export function kustomize(relative: string): KubeObject[] {
  const [command, args] = kustomizeCommand();
  const output = execFileSync(command, [...args, path.join(ROOT, relative)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(output)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

type ModelClass = new (data: unknown) => { validate(): void };

/** The built-in API groups the manifests may use, each with the published schemas. */
const MODELS: Record<string, Record<string, unknown>> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'batch/v1': batchV1,
  'policy/v1': policyV1,
  'networking.k8s.io/v1': networkingV1,
  'rbac.authorization.k8s.io/v1': rbacV1,
};

/**
 * Checks an object against the Kubernetes OpenAPI schema of its kind; throws with every
 * field in error. Returns false for a kind outside the built-in API groups (a custom
 * resource), which the caller checks its own way.
 */
export function validateAgainstSchema(object: KubeObject): boolean {
  const group = MODELS[object.apiVersion];
  if (!group) return false;
  const Model = group[object.kind] as ModelClass | undefined;
  if (!Model) throw new Error(`${object.apiVersion} has no kind ${object.kind}`);
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(
      `${object.kind}/${object.metadata.name}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return true;
}

export function named<T extends KubeObject>(objects: KubeObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in the render`);
  return found as T;
}

/** A generated ConfigMap's name is `<name>-<content hash>`. */
export function generated(objects: KubeObject[], kind: string, base: string): KubeObject {
  const found = objects.filter(
    (o) => o.kind === kind && new RegExp(`^${base}-[a-z0-9]{10}$`).test(o.metadata.name),
  );
  if (found.length !== 1) throw new Error(`expected one generated ${kind} ${base}-<hash>`);
  return found[0]!;
}

export function matchesSelector(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}
