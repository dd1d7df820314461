import type { paths } from './schema';

type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

/** A good as `GET /v1/goods/{goodId}` answers it: its stock, its holds, its revision. */
export type Good = Json<paths['/v1/goods/{goodId}']['get']['responses'][200]>;
/** A good's history: every movement and refurbishment record. */
export type Passport = Json<paths['/v1/goods/{goodId}/passport']['get']['responses'][200]>;
/** One good of a page of `GET /v1/goods`. */
export type ListedGood = Json<paths['/v1/goods']['get']['responses'][200]>['goods'][number];
export type GoodsQuery = NonNullable<paths['/v1/goods']['get']['parameters']['query']>;
export type GoodKind = Good['kind'];
export type Unit = Good['unit'];
export type IntakeBody = NonNullable<
  paths['/v1/intakes']['post']['requestBody']
>['content']['application/json'];
export type IntakeGood = IntakeBody['goods'][number];
export type CollectionMode = IntakeBody['collectionMode'];

type Body<P extends keyof paths> = paths[P] extends {
  post: { requestBody?: { content: { 'application/json': infer B } } };
}
  ? B
  : never;
type Query<P extends keyof paths> = paths[P] extends {
  get: { parameters: { query?: infer Q } };
}
  ? NonNullable<Q>
  : never;

/** The members a person may see: every one for the coordinator, their own otherwise. */
export type Organisation = Json<
  paths['/v1/organisations']['get']['responses'][200]
>['organisations'][number];
export type OrganisationKind = Organisation['kind'];
/** A site with its locations and its position on the map. */
export type Site = Json<paths['/v1/sites']['get']['responses'][200]>['sites'][number];
export type SiteKind = Site['kind'];
export type Certificate = Json<
  paths['/v1/certificates']['get']['responses'][200]
>['certificates'][number];
export type DeviceModel = Json<paths['/v1/device-models']['get']['responses'][200]>;
export type TonnageReport = Json<paths['/v1/reports/tonnage']['get']['responses'][200]>;
export type TonnageQuery = Query<'/v1/reports/tonnage'>;

export type OrganisationBody = Body<'/v1/organisations'>;
export type SiteBody = Body<'/v1/sites'>;
export type CertificateBody = Body<'/v1/certificates'>;
export type DeviceModelBody = Body<'/v1/device-models'>;
export type OfferLotBody = Body<'/v1/lots'>;
export type DiversionRoute = OfferLotBody['fallback']['route'];
export type LotWindowBody = Body<'/v1/lots/{goodId}/window'>;

/** Collection: pickups, vehicles, a day's rounds and what a driver records at each stop. */
export type Pickup = Json<paths['/v1/pickups/{pickupId}']['get']['responses'][200]>;
export type PickupStatus = Pickup['status'];
export type PickupKind = Pickup['kind'];
export type UnplannedReason = NonNullable<Pickup['unplannedReason']>;
export type CollectionSkill = Pickup['skills'][number];
export type CollectionLoad = Pickup['expectedLoad'];
export type ExpectedGood = Pickup['goods'][number];
export type PickupsQuery = Query<'/v1/pickups'>;
export type RequestPickupBody = Body<'/v1/pickups'>;
export type Vehicle = Json<paths['/v1/vehicles']['get']['responses'][200]>['vehicles'][number];
export type DayRounds = Json<paths['/v1/rounds']['get']['responses'][200]>;
export type Round = Json<paths['/v1/rounds/{roundId}']['get']['responses'][200]>;
export type RoundStop = Round['stops'][number];
export type CollectedBody = Body<'/v1/rounds/{roundId}/stops/{pickupId}/collection'>;
export type CollectedGood = CollectedBody['goods'][number];
export type MissedBody = Body<'/v1/rounds/{roundId}/stops/{pickupId}/miss'>;
export type MissedReason = MissedBody['reason'];

/** Matching: the catalogue of what is available, needs and wanted lists, reservations. */
export type CatalogueGood = Json<paths['/v1/catalogue']['get']['responses'][200]>['goods'][number];
export type CatalogueQuery = Query<'/v1/catalogue'>;
export type NeedBody = Body<'/v1/needs'>;
export type AidNeedBody = Extract<NeedBody, { kind: 'medical-aid' }>;
export type MaterialNeedBody = Extract<NeedBody, { kind: 'material' }>;
export type Need = Json<paths['/v1/needs/{needId}']['get']['responses'][200]>;
export type NeedsQuery = Query<'/v1/needs'>;
export type Reservation = Json<paths['/v1/reservations/{reservationId}']['get']['responses'][200]>;
export type ReservationStatus = Reservation['status'];
