import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { STOCK_KEEPERS } from '../common/access.js';
import { CorrectionsService } from './corrections.service.js';

@Controller()
export class CorrectionsHandlers {
  constructor(private readonly corrections: CorrectionsService) {}

  @RpcHandler(InventoryRpc.correctGood, STOCK_KEEPERS)
  correct(request: RpcRequest<typeof InventoryRpc.correctGood>) {
    return this.corrections.correct(request);
  }
}
