import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { InventoryRpc, TonnageReportV1 } from '@boucle/contracts';
import { InventoryRpcExceptionFilter } from '../common/rpc-exception.filter.js';
import { parseCommand } from '../common/validate.js';
import { ReportsService } from './reports.service.js';

@Controller()
@UseFilters(InventoryRpcExceptionFilter)
export class ReportsHandlers {
  constructor(private readonly reports: ReportsService) {}

  @MessagePattern(InventoryRpc.tonnageReport)
  tonnage(@Payload() data: unknown) {
    return this.reports.tonnage(parseCommand(TonnageReportV1, data));
  }
}
