import { CollectionRpc, InventoryRpc, MatchingRpc, type RpcDefinition } from '@boucle/contracts';

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
  /**
   * What a success answers with: 201 where something new is made, 202 where the work asked
   * for is done in the background (a day's plan).
   */
  status: 200 | 201 | 202;
  /** The service request, without its actor (the caller's identity carries it). */
  input(http: HttpInput): unknown;
  /**
   * The path parameter naming the object a command changes: `If-Match` with the ETag a
   * person read of it makes the command act only if it has not changed since.
   */
  revisionOf?: string;
  /** Where an answer's revision is, for its `ETag`. */
  etag?: (answer: unknown) => string | undefined;
  /** A page of a list: its `nextCursor` becomes a `Link: rel="next"`. */
  paginated?: boolean;
  /**
   * Path parameters that are opaque references (a beneficiary's), not ids: checked as
   * such instead of as UUIDs.
   */
  references?: readonly string[];
  /**
   * The query string is flat (`near.latitude=49.9`) where the request nests: OpenAPI lists
   * each leaf as a parameter of its own, by its dotted name.
   */
  dottedQuery?: boolean;
  /**
   * A reservation: the answer waits a little for inventory's hold or refusal, then says
   * 201 once the reservation has moved on, 202 (with a `Location`) while it is still asked.
   */
  awaitsOutcome?: boolean;
}

const body = ({ body }: HttpInput) => body;
/** The JSON body, with the object the path names. */
const bodyWith =
  (name: string) =>
  ({ body, params }: HttpInput) =>
    isObject(body) ? { ...body, [name]: params[name] } : body;
/** The JSON body, with the round and the pickup of the stop the path names. */
const stopOf = ({ body, params }: HttpInput) =>
  isObject(body) ? { ...body, roundId: params['roundId'], pickupId: params['pickupId'] } : body;
const query = ({ query }: HttpInput) => ({ ...query });
const params = ({ params }: HttpInput) => ({ ...params });
/** Query fields the request takes as lists: one value, or several repeated or comma-separated. */
const LIST_FIELDS = new Set(['conditionGrades']);
/**
 * A flat query string read as the request's nested shape: `near.latitude=49.9` is
 * `{ near: { latitude: '49.9' } }`. A name that cannot nest (a clash, a prototype's name)
 * stays as it is, for the request's schema to refuse by its name.
 */
const dottedQuery = ({ query }: HttpInput) => {
  const nested: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    const list =
      LIST_FIELDS.has(name) && (typeof value === 'string' || Array.isArray(value))
        ? [value]
            .flat()
            .flatMap((v) => String(v).split(','))
            .map((v) => v.trim())
            .filter((v) => v !== '')
        : value;
    const path = name.split('.');
    if (path.length === 1 || !path.every((part) => /^[A-Za-z][A-Za-z0-9]*$/.test(part))) {
      put(nested, name, list);
      continue;
    }
    let node = nested;
    let placed = true;
    for (const part of path.slice(0, -1)) {
      const next = Object.hasOwn(node, part) ? node[part] : put(node, part, {});
      if (!isObject(next)) {
        placed = false;
        break;
      }
      node = next;
    }
    if (placed && !Object.hasOwn(node, path.at(-1)!)) put(node, path.at(-1)!, list);
    else put(nested, name, list);
  }
  return nested;
};
/** An own property whatever its name: `__proto__` from a query string stays a field. */
function put<T>(object: Record<string, unknown>, name: string, value: T): T {
  Object.defineProperty(object, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const post = (
  path: string,
  definition: RpcDefinition,
  summary: string,
  input: Route['input'] = body,
  status: Route['status'] = 200,
): Route => ({
  method: 'post',
  path,
  definition,
  summary,
  input,
  status,
  // Goods and lots carry a revision: two people may edit one at the same time.
  ...(path.includes(':goodId') ? { revisionOf: 'goodId' } : {}),
});
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
 * `/v1`: every command and query of inventory, collection and matching people use, as resources.
 * Each forwards to its request/reply contract, whose schemas are the API's (OpenAPI is
 * made from them).
 */
export const ROUTES: readonly Route[] = [
  post(
    '/v1/organisations',
    InventoryRpc.registerOrganisation,
    'Register a member organisation',
    body,
    201,
  ),
  get('/v1/organisations', InventoryRpc.listOrganisations, 'The members a person may see', query),
  post('/v1/sites', InventoryRpc.registerSite, 'Register a site with its locations', body, 201),
  get('/v1/sites', InventoryRpc.listSites, "A member's sites with their locations", query),
  get('/v1/certificates', InventoryRpc.listCertificates, "A site's centre certificates", query),
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
  get(
    '/v1/device-models',
    InventoryRpc.getDeviceModel,
    'A device model as the cluster certifies it now',
    query,
  ),
  post(
    '/v1/device-models',
    InventoryRpc.registerDeviceModel,
    'Register a device model or a new version of it',
    body,
    201,
  ),
  post('/v1/intakes', InventoryRpc.recordIntake, 'Record a weighed intake', body, 201),
  {
    ...get(
      '/v1/goods',
      InventoryRpc.listGoods,
      "A member's goods, newest first, a page at a time",
      query,
    ),
    paginated: true,
  },
  {
    ...get('/v1/goods/:goodId', InventoryRpc.getGood, 'A good, its stock and its holds', params),
    etag: (answer) => (answer as { revision?: string }).revision,
  },
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
  post(
    '/v1/goods/:goodId/quarantine',
    InventoryRpc.quarantineItem,
    'Take a defective or recalled aid out of circulation',
    bodyWith('goodId'),
  ),
  post(
    '/v1/goods/:goodId/quarantine/refurbishment',
    InventoryRpc.refurbishQuarantined,
    'Send a quarantined aid back to refurbishing',
    bodyWith('goodId'),
  ),
  post(
    '/v1/goods/:goodId/quarantine/scrapping',
    InventoryRpc.scrapQuarantined,
    'Scrap a quarantined aid',
    bodyWith('goodId'),
  ),
  post(
    '/v1/goods/:goodId/corrections',
    InventoryRpc.correctGood,
    'Correct a mistake with a reason code',
    bodyWith('goodId'),
    201,
  ),
  post(
    '/v1/goods/:goodId/relocation',
    InventoryRpc.relocateGood,
    'Move some of a good to another location of its member',
    bodyWith('goodId'),
  ),
  post(
    '/v1/goods/:goodId/transfer',
    InventoryRpc.transferGood,
    'Pass custody of a good to another member',
    bodyWith('goodId'),
  ),
  post('/v1/recalls', InventoryRpc.issueRecall, 'Issue a recall of a model', body, 201),
  post(
    '/v1/recalls/:recallId/lifting',
    InventoryRpc.liftRecall,
    'Lift a recall',
    bodyWith('recallId'),
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
    '/v1/lots/:goodId/window',
    InventoryRpc.amendLotWindow,
    "Move an offered lot's availability window",
    bodyWith('goodId'),
  ),
  post(
    '/v1/lots/:goodId/withdrawal',
    InventoryRpc.withdrawLot,
    'Withdraw an offered lot',
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
  // Collection: pickups, collection points, vehicles, rounds and what drivers record. None
  // of its objects carries a revision the service compares, so no route takes If-Match;
  // its lists are bounded by `limit` or by a day, not paged by cursor.
  post(
    '/v1/pickups',
    CollectionRpc.requestPickup,
    'Request a pickup at a home, a construction site, a shop or a business',
    body,
    201,
  ),
  get(
    '/v1/pickups',
    CollectionRpc.listPickups,
    "A member's pickups, newest first (by status, by day)",
    query,
  ),
  get(
    '/v1/pickups/:pickupId',
    CollectionRpc.getPickup,
    'A pickup, where it stands and where it is in the plan',
    params,
  ),
  post(
    '/v1/pickups/:pickupId/cancellation',
    CollectionRpc.cancelPickup,
    'Cancel a pickup not yet collected',
    bodyWith('pickupId'),
  ),
  post(
    '/v1/collection-points',
    CollectionRpc.registerPoint,
    "Register a shop's or business's collection point",
    body,
    201,
  ),
  get(
    '/v1/collection-points/:pointId',
    CollectionRpc.getPoint,
    'A collection point, its schedule, threshold and last fill',
    params,
  ),
  post(
    '/v1/collection-points/:pointId/schedule',
    CollectionRpc.setPointSchedule,
    "Set, change or remove a collection point's recurring schedule",
    bodyWith('pointId'),
  ),
  post(
    '/v1/collection-points/:pointId/fill-reports',
    CollectionRpc.reportFill,
    'Report the full crates or fill level at a collection point',
    bodyWith('pointId'),
  ),
  post(
    '/v1/vehicles',
    CollectionRpc.registerVehicle,
    "Register a member's vehicle and crew",
    body,
    201,
  ),
  get('/v1/vehicles', CollectionRpc.listVehicles, "A member's vehicles", query),
  post(
    '/v1/day-plans',
    CollectionRpc.planDay,
    "Plan (or plan again) a day's rounds, in the background",
    body,
    202,
  ),
  get(
    '/v1/rounds',
    CollectionRpc.listRounds,
    "A day's rounds with their stops, and the pickups left unplanned",
    query,
  ),
  get('/v1/rounds/:roundId', CollectionRpc.getRound, 'A round and its stops in order', params),
  post(
    '/v1/rounds/:roundId/driver',
    CollectionRpc.assignDriver,
    'Give a round to a driver',
    bodyWith('roundId'),
  ),
  post(
    '/v1/rounds/:roundId/start',
    CollectionRpc.startRound,
    'Start a round (the driver)',
    bodyWith('roundId'),
  ),
  post(
    '/v1/rounds/:roundId/stops/:pickupId/move',
    CollectionRpc.moveStop,
    'Move a stop by hand to a position in this round (the rules re-checked)',
    stopOf,
  ),
  post(
    '/v1/rounds/:roundId/stops/:pickupId/collection',
    CollectionRpc.recordCollected,
    'Record a stop collected, with what was loaded',
    stopOf,
  ),
  post(
    '/v1/rounds/:roundId/stops/:pickupId/miss',
    CollectionRpc.recordMissed,
    'Record a stop missed, with the reason',
    stopOf,
  ),
  // Matching: the catalogue of what is available, needs, proposals, reservations and
  // erasure. Nothing here carries a revision; lists are paged by cursor.
  {
    ...get(
      '/v1/catalogue',
      MatchingRpc.searchCatalogue,
      'Search what is available now (text, class, attributes, distance), a page at a time',
      dottedQuery,
    ),
    paginated: true,
    dottedQuery: true,
  },
  get(
    '/v1/catalogue/:goodId',
    MatchingRpc.getCatalogueGood,
    'A good as the catalogue shows it, available or no longer',
    params,
  ),
  post(
    '/v1/needs',
    MatchingRpc.registerNeed,
    "Register a beneficiary's need for an aid, or a wanted material",
    body,
    201,
  ),
  {
    ...get(
      '/v1/needs',
      MatchingRpc.listNeeds,
      'The needs a person may see, a page at a time',
      query,
    ),
    paginated: true,
  },
  get(
    '/v1/needs/:needId',
    MatchingRpc.getNeed,
    'A need, with its personal details while kept',
    params,
  ),
  post(
    '/v1/needs/:needId/withdrawal',
    MatchingRpc.withdrawNeed,
    'Withdraw an open need',
    bodyWith('needId'),
  ),
  post(
    '/v1/needs/:needId/priority',
    MatchingRpc.setSocialPriority,
    "Set a need's social priority (the coordinator)",
    bodyWith('needId'),
  ),
  get(
    '/v1/goods/:goodId/proposals',
    MatchingRpc.listProposals,
    'The needs a good was proposed to, in line, with their scores',
    params,
  ),
  {
    ...post(
      '/v1/reservations',
      MatchingRpc.requestReservation,
      'Reserve a good for a need (201 once inventory answered, else 202)',
      body,
      201,
    ),
    awaitsOutcome: true,
  },
  {
    ...get(
      '/v1/reservations',
      MatchingRpc.listReservations,
      "A need's or a good's reservations, or those awaiting approval, newest first",
      query,
    ),
    paginated: true,
  },
  get(
    '/v1/reservations/:reservationId',
    MatchingRpc.getReservation,
    'A reservation as it stands',
    params,
  ),
  post(
    '/v1/reservations/:reservationId/approval',
    MatchingRpc.approveReservation,
    "Approve a held medical aid (the good's member)",
    bodyWith('reservationId'),
  ),
  post(
    '/v1/reservations/:reservationId/refusal',
    MatchingRpc.refuseReservation,
    "Refuse a held medical aid, saying why (the good's member)",
    bodyWith('reservationId'),
  ),
  post(
    '/v1/reservations/:reservationId/cancellation',
    MatchingRpc.cancelReservation,
    'Let a reservation go before its hand-over',
    bodyWith('reservationId'),
  ),
  {
    ...post(
      '/v1/beneficiaries/:beneficiaryRef/erasure',
      MatchingRpc.eraseBeneficiary,
      "Erase a beneficiary's personal data for good",
      bodyWith('beneficiaryRef'),
    ),
    references: ['beneficiaryRef'],
  },
];
