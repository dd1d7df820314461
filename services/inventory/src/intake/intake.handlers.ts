import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { IntakeService } from './intake.service.js';

@Controller()
export class IntakeHandlers {
  constructor(private readonly intake: IntakeService) {}

  @RpcHandler(InventoryRpc.recordIntake)
  record(request: RpcRequest<typeof InventoryRpc.recordIntake>) {
    return this.intake.record(request);
  }
}
