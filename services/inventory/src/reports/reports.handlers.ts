import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { ReportsService } from './reports.service.js';
import { REPORT_READERS } from '../common/access.js';

@Controller()
export class ReportsHandlers {
  constructor(private readonly reports: ReportsService) {}

  @RpcHandler(InventoryRpc.tonnageReport, REPORT_READERS)
  tonnage(request: RpcRequest<typeof InventoryRpc.tonnageReport>) {
    return this.reports.tonnage(request);
  }
}
