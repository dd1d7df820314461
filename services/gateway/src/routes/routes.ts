import { InventoryRpc, type RpcDefinition } from '@boucle/contracts';

/** What a route reads from an HTTP request to build its service request. */
export interface HttpInput {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

export interface Route {
  method: 'get' | 'post';
  /** Express-style, `:name` for a path parameter. */
  path: string;
  definition: RpcDefinition;
  summary: string;
  /** What a success answers with: 201 where something new is made. */
  status: 200 | 201;
  /** The service request, without its actor (the caller's identity carries it). */
  input(http: HttpInput): unknown;
}

const body = ({ body }: HttpInput) => body;
/** The JSON body, with the object the path names. */
const bodyWith =
  (name: string) =>
  ({ body, params }: HttpInput) =>
    isObject(body) ? { ...body, [name]: params[name] } : body;
const query = ({ query }: HttpInput) => ({ ...query });
const params = ({ params }: HttpInput) => ({ ...params });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const post = (
  path: string,
  definition: RpcDefinition,
  summary: string,
  input: Route['input'] = body,
  status: 200 | 201 = 200,
): Route => ({ method: 'post', path, definition, summary, input, status });
const get = (
  path: string,
  definition: RpcDefinition,
  summary: string,
  input: Route['input'],
): Route => ({
  method: 'get',
  path,
  definition,
  summary,
  input,
  status: 200,
});

/**
 * `/v1`: every command and query of inventory people use, as resources. Each forwards
 * to its request/reply contract, whose schemas are the API's (OpenAPI is made from them).
 */
export const ROUTES: readonly Route[] = [
  post(
    '/v1/organisations',
    InventoryRpc.registerOrganisation,
    'Register a member organisation',
    body,
    201,
  ),
  post('/v1/sites', InventoryRpc.registerSite, 'Register a site with its locations', body, 201),
  post(
    '/v1/certificates',
    InventoryRpc.recordCertificate,
    "Record a refurbishment centre's certificate",
    body,
    201,
  ),
  post(
    '/v1/certificates/:certificateId/revocation',
    InventoryRpc.revokeCertificate,
    'Revoke a centre certificate',
    bodyWith('certificateId'),
  ),
  post(
    '/v1/device-models',
    InventoryRpc.registerDeviceModel,
    'Register a device model or a new version of it',
    body,
    201,
  ),
  post('/v1/intakes', InventoryRpc.recordIntake, 'Record a weighed intake', body, 201),
  get('/v1/goods/:goodId', InventoryRpc.getGood, 'A good, its stock and its holds', params),
  get('/v1/goods/:goodId/passport', InventoryRpc.passport, "A good's full history", params),
  post(
    '/v1/goods/:goodId/moves',
    InventoryRpc.moveGood,
    'Move stock along its lifecycle',
    bodyWith('goodId'),
    201,
  ),
  post('/v1/goods/:goodId/triage', InventoryRpc.triage, 'Triage a medical aid', bodyWith('goodId')),
  post(
    '/v1/goods/:goodId/refurbishment',
    InventoryRpc.startRefurbishment,
    'Start refurbishing a medical aid',
    bodyWith('goodId'),
  ),
  post(
    '/v1/goods/:goodId/checklist',
    InventoryRpc.recordChecklist,
    "Record the model's checklist",
    bodyWith('goodId'),
  ),
  post(
    '/v1/goods/:goodId/quality-check',
    InventoryRpc.recordQualityCheck,
    'Record a quality check, passed or failed',
    bodyWith('goodId'),
  ),
  post(
    '/v1/goods/:goodId/disinfection',
    InventoryRpc.recordDisinfection,
    'Record a disinfection',
    bodyWith('goodId'),
  ),
  post(
    '/v1/goods/:goodId/certification',
    InventoryRpc.certify,
    'Certify a medical aid fit for reuse',
    bodyWith('goodId'),
  ),
  post(
    '/v1/goods/:goodId/release',
    InventoryRpc.releaseForUse,
    'Release a certified aid for use',
    bodyWith('goodId'),
  ),
  post(
    '/v1/goods/:goodId/return',
    InventoryRpc.returnItem,
    'Take back a handed-over aid',
    bodyWith('goodId'),
  ),
  post('/v1/holds', InventoryRpc.placeHold, 'Hold stock for a taker', body, 201),
  post('/v1/holds/:holdId/release', InventoryRpc.releaseHold, 'Release a hold', bodyWith('holdId')),
  post(
    '/v1/holds/:holdId/hand-over',
    InventoryRpc.handOverHold,
    'Hand over what a hold keeps',
    bodyWith('holdId'),
  ),
  post('/v1/lots', InventoryRpc.offerLot, 'Offer a lot from a construction site', body, 201),
  post(
    '/v1/lots/:goodId/diversion',
    InventoryRpc.divertLot,
    'Divert what is still offered',
    bodyWith('goodId'),
  ),
  post(
    '/v1/transformations',
    InventoryRpc.recordTransformation,
    'Record a transformation',
    body,
    201,
  ),
  get('/v1/recalls', InventoryRpc.recall, 'Every unit of a make and model', query),
  get('/v1/reports/tonnage', InventoryRpc.tonnageReport, 'Tonnes in and out over a period', query),
];
