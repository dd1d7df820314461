import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import type {
  DayRounds,
  Pickup,
  PickupsQuery,
  RequestPickupBody,
  Round,
  Vehicle,
} from '../../api/types';

type Json<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

/**
 * Collection as the gateway answers it to the person signed in: a member's pickups (the
 * cluster's for the coordinator), a day's rounds (a driver's own), vehicles, and the
 * commands people send from these pages, each with its Idempotency-Key.
 */
export async function loadPickups(query: PickupsQuery = {}): Promise<Pickup[]> {
  return (await unwrap(api.GET('/v1/pickups', { params: { query } }))).data.pickups;
}

export async function loadDayRounds(day: string): Promise<DayRounds> {
  return (await unwrap(api.GET('/v1/rounds', { params: { query: { day } } }))).data;
}

export async function loadRound(roundId: string): Promise<Round> {
  return (await unwrap(api.GET('/v1/rounds/{roundId}', { params: { path: { roundId } } }))).data;
}

export async function loadVehicles(): Promise<Vehicle[]> {
  return (await unwrap(api.GET('/v1/vehicles'))).data.vehicles;
}

export async function requestPickup(
  body: RequestPickupBody,
  key: string,
): Promise<{ pickupId: string }> {
  return (
    await unwrap(api.POST('/v1/pickups', { body, params: { header: { 'Idempotency-Key': key } } }))
  ).data;
}

export async function cancelPickup(pickupId: string, key: string): Promise<void> {
  await unwrap(
    api.POST('/v1/pickups/{pickupId}/cancellation', {
      body: {},
      params: { path: { pickupId }, header: { 'Idempotency-Key': key } },
    }),
  );
}

/** Asks for the day's plan; it is made in the background, `requestedRevision` says which. */
export async function planDay(day: string, key: string): Promise<{ requestedRevision: number }> {
  return (
    await unwrap(
      api.POST('/v1/day-plans', { body: { day }, params: { header: { 'Idempotency-Key': key } } }),
    )
  ).data;
}

export async function assignDriver(roundId: string, driverId: string, key: string): Promise<void> {
  await unwrap(
    api.POST('/v1/rounds/{roundId}/driver', {
      body: { driverId },
      params: { path: { roundId }, header: { 'Idempotency-Key': key } },
    }),
  );
}

/** The rounds a stop moved by hand changed, each with its stops renumbered and re-timed. */
export type MovedRounds = Json<
  paths['/v1/rounds/{roundId}/stops/{pickupId}/move']['post']['responses'][200]
>;

/**
 * Moves a pending stop (or a pickup the plan left out) to `sequence`, from 1, in the round
 * `roundId`; collection checks the rounds it changes with the planner's rules.
 */
export async function moveStop(
  roundId: string,
  pickupId: string,
  sequence: number,
  key: string,
): Promise<MovedRounds> {
  return (
    await unwrap(
      api.POST('/v1/rounds/{roundId}/stops/{pickupId}/move', {
        body: { sequence },
        params: { path: { roundId, pickupId }, header: { 'Idempotency-Key': key } },
      }),
    )
  ).data;
}
