import fc from 'fast-check';
import { arbitraryOf, type Hints, type JsonSchema } from './schema-arbitrary.js';

/*
 * HTTP requests to every operation of the OpenAPI document: mostly what the document
 * says is valid (so that they reach the service's rules), the rest twisted one way each
 * (a body field dropped, of the wrong type, out of range, an extra or prototype key, a
 * path parameter that is no UUID, a query with arrays, no or a forged bearer, an odd
 * Idempotency-Key or content type). Each request says how it was made, to be replayed.
 */

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** `POST /v1/goods/{goodId}/moves`: the document's path, as the summary names it. */
  key: string;
  method: 'GET' | 'POST';
  template: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
  /** Its answer carries an ETag: it may be asked with If-None-Match. */
  etag: boolean;
}

interface OperationObject {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses?: Record<string, { headers?: Record<string, unknown> }>;
}

export function operationsOf(document: {
  paths: Record<string, Record<string, OperationObject>>;
}): Operation[] {
  return Object.entries(document.paths).flatMap(([template, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${template}`,
      method: method.toUpperCase() as Operation['method'],
      template,
      parameters: operation.parameters ?? [],
      body: operation.requestBody?.content['application/json']?.schema,
      etag: Object.values(operation.responses ?? {}).some((r) => r.headers?.['ETag']),
    })),
  );
}

export interface FuzzRequest {
  operation: string;
  method: 'GET' | 'POST';
  /** Path and query, encoded. */
  url: string;
  headers: Record<string, string>;
  /** The body as sent: JSON text, or text that is not JSON on purpose. */
  body?: string;
  /** Who calls, and how the request was twisted (`valid` when it was not). */
  persona: string;
  variant: string;
}

/** Someone the gateway may be called as: a person's token, or a broken `Authorization`. */
export interface Persona {
  label: string;
  /** Whose objects the hints pick for this person first (`null`: the whole cluster). */
  organisation: string | null;
  authorization: string | undefined;
  /** How often this person calls, against the others. */
  weight?: number;
}

export interface Scenery {
  operations: Operation[];
  persons: Persona[];
  /** Authorization headers the gateway must refuse (401). */
  forgeries: Persona[];
  /** Field values that exist, for a person of the given organisation. */
  hintsFor(organisation: string | null): Hints;
}

/** One request to any operation: the operation first, so that every route gets its share. */
export function requestArbitrary(scenery: Scenery): fc.Arbitrary<FuzzRequest> {
  const byOrganisation = new Map<string | null, Hints>();
  const hints = (organisation: string | null) => {
    if (!byOrganisation.has(organisation))
      byOrganisation.set(organisation, scenery.hintsFor(organisation));
    return byOrganisation.get(organisation)!;
  };
  const perOperation = scenery.operations.map((operation) =>
    fc
      .oneof(
        ...scenery.persons.map((person) => ({
          arbitrary: fc.constant(person),
          weight: person.weight ?? 1,
        })),
      )
      .chain((person) => requestTo(operation, person, hints(person.organisation), scenery)),
  );
  return fc.oneof(...perOperation);
}

function requestTo(
  operation: Operation,
  person: Persona,
  hints: Hints,
  scenery: Scenery,
): fc.Arbitrary<FuzzRequest> {
  const pathParameters = operation.parameters.filter((p) => p.in === 'path');
  const queryParameters = operation.parameters.filter((p) => p.in === 'query');
  const params = fc.tuple(...pathParameters.map((p) => arbitraryOf(p.schema, hints, p.name)));
  const query: fc.Arbitrary<Record<string, unknown>> = queryParameters.length
    ? (arbitraryOf(
        {
          type: 'object',
          properties: Object.fromEntries(queryParameters.map((p) => [p.name, p.schema])),
          required: queryParameters.filter((p) => p.required).map((p) => p.name),
        },
        hints,
      ) as fc.Arbitrary<Record<string, unknown>>)
    : fc.constant({});
  const body = operation.body ? arbitraryOf(operation.body, hints) : fc.constant(undefined);
  // The headers the document declares, each sent or not; If-None-Match where there is an ETag.
  const headerParameters = operation.parameters.filter((p) => p.in === 'header');
  const declared = fc.tuple(
    ...headerParameters.map((p) =>
      fc.option(arbitraryOf(p.schema, hints, p.name).map(headerValue), {
        nil: undefined,
        freq: 2,
      }),
    ),
    operation.etag
      ? fc.option(fc.constantFrom('"1"', '"2"', '"3"', '*', 'W/"1"', 'garbage'), {
          nil: undefined,
          freq: 2,
        })
      : fc.constant(undefined),
  );
  const valid: fc.Arbitrary<Draft> = fc
    .record({ params, query, body, declared })
    .map(({ params, query, body, declared }) => ({
      operation: operation.key,
      method: operation.method,
      template: operation.template,
      params: Object.fromEntries(pathParameters.map((p, i) => [p.name, String(params[i])])),
      query,
      headers: {
        ...(person.authorization ? { authorization: person.authorization } : {}),
        ...(operation.method === 'POST' ? { 'content-type': 'application/json' } : {}),
        ...Object.fromEntries(
          [...headerParameters.map((p) => p.name.toLowerCase()), 'if-none-match']
            .map((name, i) => [name, declared[i]])
            .filter(([, value]) => value !== undefined),
        ),
      } as Record<string, string>,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      value: body,
      persona: person.label,
      variant: 'valid',
    }));

  const twists: fc.WeightedArbitrary<Twist>[] = [
    { arbitrary: fc.constant(identity), weight: 60 },
    { arbitrary: fc.constantFrom(...scenery.forgeries).map(forged), weight: 6 },
  ];
  if (pathParameters.length)
    twists.push({
      arbitrary: fc
        .tuple(
          fc.constantFrom(...pathParameters.map((p) => p.name)),
          fc.oneof(
            { arbitrary: notAnId.map((segment) => ({ segment, raw: false })), weight: 5 },
            { arbitrary: badEscape.map((segment) => ({ segment, raw: true })), weight: 1 },
          ),
        )
        .map(([name, { segment, raw }]) => pathTwist(name, segment, raw)),
      weight: 6,
    });
  if (operation.method === 'GET')
    twists.push({
      arbitrary: queryTwist(queryParameters),
      weight: queryParameters.length ? 20 : 4,
    });
  if (operation.method === 'POST') {
    twists.push(
      { arbitrary: bodyTwist, weight: 24 },
      { arbitrary: rawBody.map(raw), weight: 3 },
      { arbitrary: oddKey.map(keyTwist), weight: 4 },
      { arbitrary: oddContent.map(contentTwist), weight: 3 },
    );
  }
  return fc
    .tuple(valid, fc.oneof(...twists))
    .chain(([request, twist]) => twist(request))
    .map(({ template, params, raw, query, value: _value, ...request }) => ({
      ...request,
      url: pathOf(template, params, raw) + queryString(query),
    }));
}

type Query = Record<string, unknown>;
interface Draft extends Omit<FuzzRequest, 'url'> {
  template: string;
  params: Record<string, string>;
  /** Path parameters sent as they are, not encoded: escapes that decode to nothing. */
  raw?: string[];
  query: Query;
  /** The body as a value, before it is written (undefined when it is sent as raw text). */
  value: unknown;
}
type Twist = (draft: Draft) => fc.Arbitrary<Draft>;

const identity: Twist = (draft) => fc.constant(draft);

function pathOf(template: string, values: Record<string, string>, raw: string[] = []): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) =>
    raw.includes(name) ? values[name]! : encodeSegment(values[name]!),
  );
}

/**
 * A header's value as HTTP can carry it: bytes, no line breaks (a client cannot send
 * others), so a schema's string of any character is sent with `?` for the rest.
 */
function headerValue(value: unknown): string {
  return String(value).replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

/** Encoded so that it stays one segment; `.` and `..` alone would be resolved away by the URL. */
function encodeSegment(value: string): string {
  const encoded = encodeURIComponent(value);
  return /^\.+$/.test(encoded) ? encoded.replace(/\./g, '%2E') + '_' : encoded;
}

function queryString(query: Query): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, String(one));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

const forged =
  (forgery: Persona): Twist =>
  (draft) => {
    const { authorization: _authorization, ...headers } = draft.headers;
    return fc.constant({
      ...draft,
      headers: forgery.authorization
        ? { ...headers, authorization: forgery.authorization }
        : headers,
      persona: forgery.label,
      variant: `authorization: ${forgery.label}`,
    });
  };

/** Path segments that are not ids: near misses, injections, other scripts, long ones. */
const notAnId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'not-a-uuid',
    '00000000-0000-0000-0000-000000000000',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '123e4567e89b12d3a456426614174000',
    '123e4567-e89b-12d3-a456-42661417400',
    '123e4567-e89b-12d3-a456-4266141740000',
    '{123e4567-e89b-12d3-a456-426614174000}',
    "' OR '1'='1",
    '1; DROP TABLE goods',
    '__proto__',
    'constructor',
    'null',
    'undefined',
    '-1',
    '0',
    '1e309',
    '🦽',
    '\u0000',
    '%',
    'a/b',
    '..',
    'x'.repeat(2_000),
  ),
  fc.uuid().map((id) => id.toUpperCase()),
  fc.uuid().map((id) => ` ${id}`),
  fc.uuid().map((id) => `${id}\n`),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
);

/** Percent escapes that are not UTF-8, or not escapes at all. */
const badEscape = fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%FF', '%00', '%C3');

function pathTwist(name: string, segment: string, raw: boolean): Twist {
  return (draft) =>
    fc.constant({
      ...draft,
      params: { ...draft.params, [name]: segment },
      ...(raw ? { raw: [...(draft.raw ?? []), name] } : {}),
      variant: `path ${name}: ${raw ? 'a bad escape' : 'not an id'}`,
    });
}

function queryTwist(parameters: Parameter[]): fc.Arbitrary<Twist> {
  const names = parameters.map((p) => p.name);
  const name = names.length ? fc.constantFrom(...names) : fc.constant('q');
  return fc.oneof(
    // The same name twice: Express reads an array.
    name.map<Twist>(
      (n) => (draft) =>
        fc.constant({
          ...draft,
          query: { ...draft.query, [n]: [draft.query[n] ?? 'a', 'b'] },
          variant: `query ${n}: repeated`,
        }),
    ),
    fc
      .tuple(name, fc.constantFrom('[]', '[0]', '[a]', '[__proto__]', '.b'))
      .map<Twist>(([n, suffix]) => (draft) => {
        const { [n]: value, ...rest } = draft.query;
        return fc.constant({
          ...draft,
          query: { ...rest, [`${n}${suffix}`]: value ?? 'x' },
          variant: `query ${n}${suffix}`,
        });
      }),
    name.map<Twist>((n) => (draft) => {
      const { [n]: _dropped, ...rest } = draft.query;
      return fc.constant({ ...draft, query: rest, variant: `query ${n}: dropped` });
    }),
    fc
      .tuple(name, fc.constantFrom('', ' ', '%', '\u0000', 'x'.repeat(4_000), '🦽', '2026-13-45'))
      .map<Twist>(
        ([n, value]) =>
          (draft) =>
            fc.constant({
              ...draft,
              query: { ...draft.query, [n]: value },
              variant: `query ${n}: odd value`,
            }),
      ),
    fc.tuple(extraKey, fc.string({ maxLength: 10 })).map<Twist>(
      ([key, value]) =>
        (draft) =>
          fc.constant({
            ...draft,
            query: { ...draft.query, [key]: value },
            variant: `query: extra ${key}`,
          }),
    ),
  );
}

const extraKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'actor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'then',
  ),
  fc.string({ minLength: 1, maxLength: 12 }),
);

type Path = (string | number)[];

/** Every place in a JSON value: the value itself, each property, each element. */
function pathsIn(value: unknown, at: Path = []): Path[] {
  const here = [at];
  if (Array.isArray(value))
    return here.concat(value.flatMap((item, i) => pathsIn(item, [...at, i])));
  if (value !== null && typeof value === 'object')
    return here.concat(Object.entries(value).flatMap(([k, v]) => pathsIn(v, [...at, k])));
  return here;
}

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, step) => (node as Record<string, unknown>)[step], value);
}

/** A copy of `value` with what is at `path` replaced by `edit(old)`, or removed when it answers `DROP`. */
const DROP = Symbol('drop');
function editAt(value: unknown, path: Path, edit: (old: unknown) => unknown): unknown {
  if (path.length === 0) return edit(value);
  const [step, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    const next = editAt(copy[step as number], rest, edit);
    if (next === DROP) copy.splice(step as number, 1);
    else copy[step as number] = next;
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const next = k === step ? editAt(v, rest, edit) : v;
    if (next !== DROP) define(copy, k, next);
  }
  return copy;
}

/** An own property even for `__proto__`, which plain assignment would make the prototype. */
function define(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

const label = (path: Path) => (path.length ? path.join('.') : '(body)');

const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 10 }),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
);

const outOfRange = fc.constantFrom<unknown>(
  -1,
  0,
  -0.0001,
  0.0001,
  1.0005,
  0.1 + 0.2,
  2 ** 31,
  2 ** 53 + 2,
  1e21,
  1e308,
  -1e308,
  '',
  ' ',
  '  padded  ',
  '0',
  '-1',
  '1e3',
  '0.0001',
  '00000000000000000001',
  'x'.repeat(10_001),
);

const oddText = fc.oneof(
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff\ud800',
    '\uffff',
    '\ufeff',
    '🦽'.repeat(60),
    'Ｏｐｅｒａｔｏｒ',
    '\u202etxet',
    'ﷺ',
    'e\u0301',
    '\r\n\t',
    '${process.exit()}',
    "'; DROP TABLE goods; --",
    '%s%n%x',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    '{"$ne":null}',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
);

/** Larger than the body limit (256 kB), or just under it with a field far over its length. */
const huge = fc.constantFrom('x'.repeat(300_000), 'é'.repeat(100_000), '🦽'.repeat(40_000));

const bodyTwist: fc.Arbitrary<Twist> = fc.constant((draft: Draft) => {
  if (draft.value === undefined) return fc.constant(draft);
  const paths = pathsIn(draft.value);
  const objects = paths.filter((p) => {
    const node = getAt(draft.value, p);
    return node !== null && typeof node === 'object' && !Array.isArray(node);
  });
  const inner = paths.filter((p) => p.length > 0);
  const edits: fc.Arbitrary<{ value: unknown; variant: string }>[] = [
    fc.tuple(fc.constantFrom(...paths), wrongType).map(([path, replacement]) => ({
      value: editAt(draft.value, path, () => replacement),
      variant: `body ${label(path)}: wrong type`,
    })),
    fc.tuple(fc.constantFrom(...paths), outOfRange).map(([path, replacement]) => ({
      value: editAt(draft.value, path, () => replacement),
      variant: `body ${label(path)}: out of range`,
    })),
    fc.tuple(fc.constantFrom(...paths), oddText).map(([path, replacement]) => ({
      value: editAt(draft.value, path, () => replacement),
      variant: `body ${label(path)}: odd text`,
    })),
    fc.tuple(fc.constantFrom(...paths), huge).map(([path, replacement]) => ({
      value: editAt(draft.value, path, () => replacement),
      variant: `body ${label(path)}: huge (${replacement.length} characters)`,
    })),
    fc
      .tuple(
        fc.constantFrom(...(objects.length ? objects : [[]])),
        extraKey,
        fc.oneof(
          fc.jsonValue({ maxDepth: 2 }),
          fc.constant({ polluted: true, role: 'coordinator' }),
          fc.constant({ prototype: { polluted: true } }),
          fc.constant({ userId: 'boss', role: 'coordinator', organisationId: null }),
        ),
      )
      .map(([path, key, extra]) => ({
        value: editAt(draft.value, path, (old) => {
          const copy = { ...(old as Record<string, unknown>) };
          define(copy, key, extra);
          return copy;
        }),
        variant: `body ${label([...path, key])}: extra property`,
      })),
  ];
  if (inner.length)
    edits.push(
      fc.constantFrom(...inner).map((path) => ({
        value: editAt(draft.value, path, () => DROP),
        variant: `body ${label(path)}: dropped`,
      })),
    );
  return fc.oneof(...edits).map(({ value, variant }) => ({
    ...draft,
    value,
    body: JSON.stringify(value),
    variant,
  }));
});

/** Bodies that are not what a JSON client sends. */
const rawBody = fc.constantFrom(
  '',
  '{',
  '{"siteId":',
  'nul',
  'null',
  'true',
  '42',
  '"text"',
  '[]',
  '[{}]',
  '[1,]',
  '{"a":1}}',
  '{"a":1,"a":2}',
  "{'single':'quotes'}",
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '\u0000',
  '\ufeff{}',
  '['.repeat(5_000) + ']'.repeat(5_000),
  '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
  '{"a":' + '['.repeat(5_000) + ']'.repeat(5_000) + '}',
);
const raw =
  (text: string): Twist =>
  (draft) =>
    fc.constant({ ...draft, value: undefined, body: text, variant: `raw body ${preview(text)}` });

const oddKey = fc.oneof(
  fc.constantFrom('', ' ', 'a b', 'x'.repeat(129), 'x'.repeat(128), 'é', 'key\u00a0nbsp', '\t'),
  fc.string({ minLength: 1, maxLength: 140 }).map((s) => s.replace(/[^\x20-\xff]/g, '?')),
);
const keyTwist =
  (key: string): Twist =>
  (draft) =>
    fc.constant({
      ...draft,
      headers: { ...draft.headers, 'idempotency-key': key },
      variant: `Idempotency-Key ${JSON.stringify(preview(key))}`,
    });

const oddContent = fc.record({
  type: fc.constantFrom<string | undefined>(
    undefined,
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json; charset=iso-8859-1',
    'application/json; charset=utf-16',
    'application/json; charset=utf-8',
    'APPLICATION/JSON',
    'application/merge-patch+json',
    'application/json, text/plain',
    '*/*',
  ),
  encoding: fc.constantFrom<string | undefined>(
    undefined,
    undefined,
    'gzip',
    'deflate',
    'br',
    'identity',
    'compress',
    'x-unknown',
  ),
});
const contentTwist =
  ({ type, encoding }: { type: string | undefined; encoding: string | undefined }): Twist =>
  (draft) => {
    const { 'content-type': _type, ...headers } = draft.headers;
    return fc.constant({
      ...draft,
      headers: {
        ...headers,
        ...(type !== undefined ? { 'content-type': type } : {}),
        ...(encoding !== undefined ? { 'content-encoding': encoding } : {}),
      },
      variant: `Content-Type ${type ?? '(none)'}${encoding ? `, Content-Encoding ${encoding}` : ''}`,
    });
  };

export function preview(text: string, length = 60): string {
  return text.length > length ? `${text.slice(0, length)}… (${text.length} characters)` : text;
}
