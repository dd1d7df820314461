import { Module } from '@nestjs/common';
import { VehiclesHandlers } from './vehicles.handlers.js';
import { VehiclesRepository } from './vehicles.repository.js';
import { VehiclesService } from './vehicles.service.js';

@Module({
  controllers: [VehiclesHandlers],
  providers: [VehiclesService, VehiclesRepository],
  exports: [VehiclesRepository],
})
export class VehiclesModule {}
