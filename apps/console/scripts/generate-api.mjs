// The console's API types, made from the gateway's own code: the OpenAPI document the
// gateway serves at /openapi.json (its routes over the contracts' schemas), turned into
// TypeScript by openapi-typescript. A field renamed in a contract changes these types,
// so the console's type-check fails where a page still uses the old name.
//
// Run with: node --import @swc-node/register/esm-register apps/console/scripts/generate-api.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { openApiDocument } from '../../../services/gateway/src/openapi/openapi.ts';
import { ROUTES } from '../../../services/gateway/src/routes/routes.ts';

const target = path.join(import.meta.dirname, '..', 'src', 'api', 'schema.d.ts');
const ast = await openapiTS(openApiDocument(ROUTES), {
  // Answers are not strict objects (a field added later must not break an older
  // console), but the console reads only the fields it knows.
  additionalProperties: false,
  alphabetize: false,
});
// In the workspace's style, so that `prettier --check .` passes with it present.
const text = await format(
  `// Generated from the gateway's OpenAPI document by apps/console/scripts/generate-api.mjs
// (nx run console:generate-api). Never edit by hand; never committed.\n\n${astToString(ast)}`,
  { ...(await resolveConfig(target)), parser: 'typescript' },
);
let before = '';
try {
  before = readFileSync(target, 'utf8');
} catch {
  // First run.
}
// Written only when it changed, so that a watcher or an editor does not churn.
if (before !== text) {
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
}
process.stdout.write(
  `${path.relative(process.cwd(), target)}: ${before === text ? 'unchanged' : 'written'}\n`,
);
