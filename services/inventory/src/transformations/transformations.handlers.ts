import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InventoryRpc, RecordTransformationV1 } from '@boucle/contracts';
import { InventoryRpcExceptionFilter } from '../common/rpc-exception.filter.js';
import { parseCommand } from '../common/validate.js';
import { TransformationsService } from './transformations.service.js';

@Controller()
@UseFilters(InventoryRpcExceptionFilter)
export class TransformationsHandlers {
  constructor(private readonly transformations: TransformationsService) {}

  @MessagePattern(InventoryRpc.recordTransformation)
  record(@Payload() data: unknown) {
    return this.transformations.record(parseCommand(RecordTransformationV1, data));
  }
}
