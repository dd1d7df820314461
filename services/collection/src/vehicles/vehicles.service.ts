import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { ListVehiclesV1, RegisterVehicleV1, VehicleViewV1 } from '@boucle/contracts';
import { MikroORM } from '@boucle/database';
import { inTransaction } from '@boucle/messaging';
import { memberScope, owningOrganisation } from '../common/actor.js';
import { validation } from '../common/errors.js';
import { VehiclesRepository, type Vehicle } from './vehicles.repository.js';

type VehicleView = z.input<typeof VehicleViewV1>;

/** Vehicles and their crews: what a round can carry, where it starts, when it works. */
@Injectable()
export class VehiclesService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly vehicles: VehiclesRepository,
  ) {}

  async register(cmd: z.output<typeof RegisterVehicleV1>): Promise<{ vehicleId: string }> {
    const organisationId = owningOrganisation(cmd.actor, cmd.organisationId);
    if (
      cmd.break &&
      (cmd.break.earliestStart < cmd.workFrom || cmd.break.latestStart >= cmd.workUntil)
    )
      throw validation('break', 'must start within the working hours');
    const id = randomUUID();
    return inTransaction(this.orm, async (em) => {
      await this.vehicles.insert(em, {
        id,
        organisationId,
        name: cmd.name,
        capacity: cmd.capacity,
        skills: [...new Set(cmd.skills)],
        depot: cmd.depot,
        workFrom: cmd.workFrom,
        workUntil: cmd.workUntil,
        break: cmd.break ?? null,
        serviceMinutes: cmd.serviceMinutes,
        actor: cmd.actor,
      });
      return { vehicleId: id };
    });
  }

  async list(query: z.output<typeof ListVehiclesV1>): Promise<{ vehicles: VehicleView[] }> {
    const vehicles = await this.vehicles.list(
      this.orm.em.fork(),
      memberScope(query.actor, query.organisationId),
    );
    return { vehicles: vehicles.map(view) };
  }
}

function view(vehicle: Vehicle): VehicleView {
  return {
    vehicleId: vehicle.id,
    organisationId: vehicle.organisationId,
    name: vehicle.name,
    capacity: vehicle.capacity,
    skills: vehicle.skills as VehicleView['skills'],
    depot: vehicle.depot,
    workFrom: vehicle.workFrom,
    workUntil: vehicle.workUntil,
    break: vehicle.break,
    serviceMinutes: vehicle.serviceMinutes,
  };
}
