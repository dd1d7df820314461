import { Injectable } from '@nestjs/common';
import type { Selectable } from 'kysely';
import type { Actor, CollectionLoad, GeoPoint } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db, type BreakJson, type VehicleTable } from '../database/schema.js';

export interface Vehicle {
  id: string;
  organisationId: string;
  name: string;
  capacity: CollectionLoad;
  skills: string[];
  depot: GeoPoint;
  workFrom: string;
  workUntil: string;
  break: BreakJson | null;
  serviceMinutes: number;
}

function toVehicle(row: Selectable<VehicleTable>): Vehicle {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    name: row.name,
    capacity: row.capacity,
    skills: row.skills,
    depot: { latitude: row.depot_latitude, longitude: row.depot_longitude },
    workFrom: row.work_from,
    workUntil: row.work_until,
    break: row.break,
    serviceMinutes: row.service_minutes,
  };
}

/** Members' vehicles and crews. */
@Injectable()
export class VehiclesRepository {
  async insert(em: EntityManager, vehicle: Vehicle & { actor: Actor }): Promise<void> {
    await db(em)
      .insertInto('vehicle')
      .values({
        id: vehicle.id,
        organisation_id: vehicle.organisationId,
        name: vehicle.name,
        capacity: JSON.stringify(vehicle.capacity),
        skills: JSON.stringify(vehicle.skills),
        depot_latitude: vehicle.depot.latitude,
        depot_longitude: vehicle.depot.longitude,
        work_from: vehicle.workFrom,
        work_until: vehicle.workUntil,
        break: vehicle.break === null ? null : JSON.stringify(vehicle.break),
        service_minutes: vehicle.serviceMinutes,
        actor: JSON.stringify(vehicle.actor),
      })
      .execute();
  }

  async list(em: EntityManager, organisationId: string | null): Promise<Vehicle[]> {
    const rows = await db(em)
      .selectFrom('vehicle')
      .selectAll()
      .$if(organisationId !== null, (q) => q.where('organisation_id', '=', organisationId!))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toVehicle);
  }
}
