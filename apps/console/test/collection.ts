import { expect } from '@jest/globals';
import { eventually, parisDay } from '@boucle/testing';
import { created, type ConsoleSystem } from './system';

/*
 * Collection's set-up for the console's journeys, over the API as people make it: a
 * member's vehicle, pickups on a Paris day, a day planned and waited for.
 */

/** The day after `day` (`2026-12-31` → `2027-01-01`). */
export function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Tomorrow in Paris: a day whose windows are all still to come, whatever the hour. */
export const tomorrow = () => dayAfter(parisDay());

/** `2026-12-02T08:00` in Paris as an instant with its offset. */
export function parisAt(day: string, time: string): string {
  const guess = new Date(`${day}T${time}:00Z`);
  const offset = (instant: Date) => {
    const name =
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' })
        .formatToParts(instant)
        .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT+01:00';
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  };
  return new Date(guess.getTime() - offset(guess) * 60_000).toISOString();
}

export const DEPOT = { latitude: 49.8941, longitude: 2.2958 };

/** A van with a tail-lift and a crew of two, working 07:00–18:00 from the member's depot. */
export async function registerVehicle(
  system: ConsoleSystem,
  coordinator: string,
  organisationId: string,
  name = 'Fourgon 1',
): Promise<string> {
  const answer = created(
    await system.call('POST', '/v1/vehicles', coordinator, {
      organisationId,
      name,
      capacity: { kg: 1200, m3: 14, crates: 80, items: 10 },
      skills: ['two-person', 'tail-lift'],
      depot: DEPOT,
      workFrom: '07:00',
      workUntil: '18:00',
      serviceMinutes: 10,
    }),
  );
  return String(answer.body['vehicleId']);
}

/** An aid at a donor's home, collected for a member and taken to its site. */
export async function requestHomePickup(
  system: ConsoleSystem,
  coordinator: string,
  options: {
    organisationId: string;
    day: string;
    deliverTo: { siteId: string; locationId: string };
    address: string;
    position: { latitude: number; longitude: number };
    skills?: string[];
    model?: string;
  },
): Promise<string> {
  const answer = created(
    await system.call('POST', '/v1/pickups', coordinator, {
      organisationId: options.organisationId,
      kind: 'home',
      address: options.address,
      position: options.position,
      locality: 'Amiens',
      windows: [{ from: parisAt(options.day, '08:00'), until: parisAt(options.day, '17:00') }],
      expectedLoad: { kg: 18, m3: 0.5, crates: 0, items: 1 },
      skills: options.skills ?? ['two-person'],
      goods: [{ kind: 'item', make: 'Invacare', model: options.model ?? 'Action 3' }],
      deliverTo: options.deliverTo,
    }),
  );
  return String(answer.body['pickupId']);
}

/** Plans the day and waits for the plan it asked for. */
export async function planDay(
  system: ConsoleSystem,
  coordinator: string,
  day: string,
): Promise<Record<string, unknown>> {
  const asked = await system.call('POST', '/v1/day-plans', coordinator, { day });
  expect(asked.status).toBe(202);
  const revision = Number(asked.body['requestedRevision']);
  return eventually(
    async () => {
      const rounds = await system.call('GET', `/v1/rounds?day=${day}`, coordinator);
      expect(rounds.status).toBe(200);
      expect(Number(rounds.body['plannedRevision'])).toBeGreaterThanOrEqual(revision);
      return rounds.body;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}
