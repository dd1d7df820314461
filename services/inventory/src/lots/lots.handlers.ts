import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { LotsService } from './lots.service.js';

@Controller()
export class LotsHandlers {
  constructor(private readonly lots: LotsService) {}

  @RpcHandler(InventoryRpc.offerLot)
  offer(request: RpcRequest<typeof InventoryRpc.offerLot>) {
    return this.lots.offer(request);
  }

  @RpcHandler(InventoryRpc.divertLot)
  divert(request: RpcRequest<typeof InventoryRpc.divertLot>) {
    return this.lots.divert(request);
  }
}
