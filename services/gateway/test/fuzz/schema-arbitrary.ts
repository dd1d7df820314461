import fc from 'fast-check';

/*
 * Values a JSON Schema (the OpenAPI document's, draft 2020-12) accepts, as fast-check
 * arbitraries: only the keywords the document uses (type, properties, required,
 * additionalProperties, items, min/maxItems, enum, const, anyOf/oneOf/allOf, string
 * formats, patterns and lengths, numeric bounds). A keyword it does not know fails at
 * once, so that a schema growing a rule is never fuzzed as if the rule were not there.
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  description?: string;
};

const KNOWN = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'minItems',
  'maxItems',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  'allOf',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'default',
  // Annotations: they say nothing of what is valid.
  'description',
  'title',
  'examples',
  'example',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
]);

/**
 * Values the application knows for a field, by its name (ids of objects that exist,
 * states of a lifecycle): mixed with what the schema alone gives, so that requests
 * reach past "not found" into the rules.
 */
export type Hints = (name: string) => fc.Arbitrary<unknown> | undefined;

/** Arrays are kept short: the fuzz is after many requests, not large ones. */
const MAX_ITEMS = 4;
/** Strings mostly short; the longest the schema allows now and then. */
const SHORT = 24;

export function arbitraryOf(
  schema: JsonSchema,
  hints: Hints = () => undefined,
  name?: string,
): fc.Arbitrary<unknown> {
  for (const key of Object.keys(schema)) {
    if (!KNOWN.has(key)) throw new Error(`schema keyword "${key}" is not fuzzed (at ${name})`);
  }
  const plain = fromSchema(schema, hints, name);
  const hint = name === undefined ? undefined : hints(name);
  return hint ? fc.oneof({ arbitrary: hint, weight: 3 }, { arbitrary: plain, weight: 1 }) : plain;
}

function fromSchema(schema: JsonSchema, hints: Hints, name?: string): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    return fc.oneof(...alternatives.map((alternative) => arbitraryOf(alternative, hints, name)));
  }
  if (schema.allOf) return arbitraryOf(merge(schema.allOf), hints, name);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) {
    return fc.oneof(...types.map((type) => fromSchema({ ...schema, type }, hints, name)));
  }
  switch (types[0]) {
    case 'object':
      return objectOf(schema, hints);
    case 'array':
      // An element is hinted as `name[]`: the hint for `name` is for the whole array.
      return fc.array(arbitraryOf(schema.items ?? {}, hints, name && `${name}[]`), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? MAX_ITEMS, (schema.minItems ?? 0) + MAX_ITEMS),
      });
    case 'string':
      return stringOf(schema);
    case 'integer':
      return integerOf(schema);
    case 'number':
      return numberOf(schema);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case undefined:
      // `{}`: anything JSON.
      return fc.jsonValue({ maxDepth: 2 });
    default:
      throw new Error(`schema type "${types[0]}" is not fuzzed (at ${name})`);
  }
}

function objectOf(schema: JsonSchema, hints: Hints): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const model = Object.fromEntries(
    Object.entries(properties).map(([key, property]) => [key, arbitraryOf(property, hints, key)]),
  );
  const known = fc.record(model, {
    requiredKeys: Object.keys(properties).filter((key) => required.has(key)),
  });
  // A record (`additionalProperties` a schema, no properties): a few keys of any name.
  if (typeof schema.additionalProperties === 'object' && Object.keys(properties).length === 0) {
    return fc.dictionary(
      fc.string({ maxLength: 12 }),
      arbitraryOf(schema.additionalProperties, hints),
      { maxKeys: MAX_ITEMS },
    );
  }
  return known;
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const byFormat = formatOf(schema.format);
  const pattern = schema.pattern === undefined ? undefined : new RegExp(schema.pattern, 'u');
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Math.max(min, SHORT) * 4;
  let base: fc.Arbitrary<string>;
  if (byFormat) base = byFormat;
  else if (pattern) base = fc.stringMatching(pattern, { size: 'small' });
  else {
    const short = Math.min(max, Math.max(min, SHORT));
    base = fc.oneof(
      { arbitrary: fc.string({ minLength: min, maxLength: short }), weight: 6 },
      // Any code point, NUL and controls included: a text field is text of any kind.
      { arbitrary: fc.string({ unit: 'binary', minLength: min, maxLength: short }), weight: 2 },
      { arbitrary: fc.string({ minLength: max, maxLength: max }), weight: 1 },
    );
  }
  const fits = (value: string) =>
    [...value].length >= min &&
    [...value].length <= max &&
    (pattern === undefined || pattern.test(value));
  return base.filter(fits);
}

/** Moments around now (a year either side), days as dates: what a person's client sends. */
const YEAR_MS = 365 * 86_400_000;
const moment = fc
  .integer({ min: -YEAR_MS, max: YEAR_MS })
  .map((offset) => new Date(Date.now() + offset));

function formatOf(format: string | undefined): fc.Arbitrary<string> | undefined {
  switch (format) {
    case undefined:
      return undefined;
    case 'uuid':
      return fc.uuid({ version: [1, 4, 7] });
    case 'date':
      return fc.oneof(
        moment.map((date) => date.toISOString().slice(0, 10)),
        fc
          .date({ min: new Date('1900-01-01'), max: new Date('2199-12-31'), noInvalidDate: true })
          .map((date) => date.toISOString().slice(0, 10)),
      );
    case 'date-time':
      return fc.oneof(
        moment.map((date) => date.toISOString()),
        fc
          .tuple(moment, fc.integer({ min: -14, max: 14 }))
          .map(([date, hours]) => withOffset(date, hours)),
        fc
          .date({ min: new Date('1900-01-01'), max: new Date('2199-12-31'), noInvalidDate: true })
          .map((date) => date.toISOString()),
      );
    case 'email':
      // A beneficiary's contact: addresses as people write them, none of a real person.
      return fc.oneof(
        fc.emailAddress().filter((address) => address.length <= 200),
        fc.constantFrom('jeanne.martin@example.org', 'contact@service-autonomie.example'),
      );
    default:
      throw new Error(`string format "${format}" is not fuzzed`);
  }
}

function withOffset(date: Date, hours: number): string {
  const local = new Date(date.getTime() + hours * 3_600_000).toISOString().slice(0, 19);
  const sign = hours < 0 ? '-' : '+';
  return `${local}${sign}${String(Math.abs(hours)).padStart(2, '0')}:00`;
}

function integerOf(schema: JsonSchema): fc.Arbitrary<number> {
  const min = Math.max(
    schema.minimum ?? -1_000_000,
    schema.exclusiveMinimum !== undefined ? Math.floor(schema.exclusiveMinimum) + 1 : -Infinity,
    Number.MIN_SAFE_INTEGER,
  );
  const max = Math.min(
    schema.maximum ?? 1_000_000,
    schema.exclusiveMaximum !== undefined ? Math.ceil(schema.exclusiveMaximum) - 1 : Infinity,
    Number.MAX_SAFE_INTEGER,
  );
  return fc.oneof(
    { arbitrary: fc.integer({ min, max: Math.min(max, min + 100) }), weight: 3 },
    { arbitrary: fc.integer({ min, max }), weight: 2 },
    { arbitrary: fc.constantFrom(min, max), weight: 1 },
  );
}

/**
 * Numbers mostly to the thousandth (weights are kept to the gram), sometimes any double
 * the bounds allow: the schema says nothing of decimals, the service may.
 */
function numberOf(schema: JsonSchema): fc.Arbitrary<number> {
  const low = schema.minimum ?? schema.exclusiveMinimum ?? -1e9;
  const high = schema.maximum ?? schema.exclusiveMaximum ?? 1e9;
  const inside = (value: number) =>
    value >= low &&
    value <= high &&
    (schema.exclusiveMinimum === undefined || value > schema.exclusiveMinimum) &&
    (schema.exclusiveMaximum === undefined || value < schema.exclusiveMaximum);
  const thousandths = (min: number, max: number) =>
    fc.integer({ min: Math.ceil(min * 1000), max: Math.floor(max * 1000) }).map((n) => n / 1000);
  return fc
    .oneof(
      { arbitrary: thousandths(low, Math.min(high, low + 100)), weight: 4 },
      { arbitrary: thousandths(low, high), weight: 2 },
      { arbitrary: fc.double({ min: low, max: high, noNaN: true }), weight: 1 },
      { arbitrary: fc.constantFrom(low, high), weight: 1 },
    )
    .filter(inside);
}

function merge(schemas: JsonSchema[]): JsonSchema {
  return schemas.reduce<JsonSchema>(
    (merged, schema) => ({
      ...merged,
      ...schema,
      properties: { ...merged.properties, ...schema.properties },
      required: [...(merged.required ?? []), ...(schema.required ?? [])],
    }),
    {},
  );
}
