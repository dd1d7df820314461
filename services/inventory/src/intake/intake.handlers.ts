import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InventoryRpc, RecordIntakeV1 } from '@boucle/contracts';
import { InventoryRpcExceptionFilter } from '../common/rpc-exception.filter.js';
import { parseCommand } from '../common/validate.js';
import { IntakeService } from './intake.service.js';

@Controller()
@UseFilters(InventoryRpcExceptionFilter)
export class IntakeHandlers {
  constructor(private readonly intake: IntakeService) {}

  @MessagePattern(InventoryRpc.recordIntake)
  record(@Payload() data: unknown) {
    return this.intake.record(parseCommand(RecordIntakeV1, data));
  }
}
