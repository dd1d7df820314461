import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { ReportsService } from './reports.service.js';

@Controller()
export class ReportsHandlers {
  constructor(private readonly reports: ReportsService) {}

  @RpcHandler(InventoryRpc.tonnageReport)
  tonnage(request: RpcRequest<typeof InventoryRpc.tonnageReport>) {
    return this.reports.tonnage(request);
  }
}
