import { Module } from '@nestjs/common';
import { FollowUpsModule } from '../followups/followups.module.js';
import { PickupsModule } from '../pickups/pickups.module.js';
import { PlansModule } from '../plans/plans.module.js';
import { VehiclesModule } from '../vehicles/vehicles.module.js';
import { MoveStopService } from './move-stop.service.js';
import { PlanningProcessor } from './planning.processor.js';
import { PlanningSchedule } from './planning.schedule.js';
import { PlanningService } from './planning.service.js';
import { RoundsHandlers } from './rounds.handlers.js';
import { RoundsRepository } from './rounds.repository.js';
import { RoundsService } from './rounds.service.js';
import { StopsService } from './stops.service.js';

@Module({
  imports: [PlansModule, PickupsModule, VehiclesModule, FollowUpsModule],
  controllers: [RoundsHandlers],
  providers: [
    MoveStopService,
    PlanningService,
    PlanningProcessor,
    PlanningSchedule,
    RoundsService,
    RoundsRepository,
    StopsService,
  ],
})
export class RoundsModule {}
