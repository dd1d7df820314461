import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { IntakeService } from './intake.service.js';
import { STOCK_KEEPERS } from '../common/access.js';

@Controller()
export class IntakeHandlers {
  constructor(private readonly intake: IntakeService) {}

  @RpcHandler(InventoryRpc.recordIntake, STOCK_KEEPERS)
  record(request: RpcRequest<typeof InventoryRpc.recordIntake>) {
    return this.intake.record(request);
  }
}
