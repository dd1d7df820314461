import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { LotsService } from './lots.service.js';
import { LOT_OFFERERS } from '../common/access.js';

@Controller()
export class LotsHandlers {
  constructor(private readonly lots: LotsService) {}

  @RpcHandler(InventoryRpc.offerLot, LOT_OFFERERS)
  offer(request: RpcRequest<typeof InventoryRpc.offerLot>) {
    return this.lots.offer(request);
  }

  @RpcHandler(InventoryRpc.divertLot, LOT_OFFERERS)
  divert(request: RpcRequest<typeof InventoryRpc.divertLot>) {
    return this.lots.divert(request);
  }

  @RpcHandler(InventoryRpc.amendLotWindow, LOT_OFFERERS)
  amendWindow(request: RpcRequest<typeof InventoryRpc.amendLotWindow>) {
    return this.lots.amendWindow(request);
  }

  @RpcHandler(InventoryRpc.withdrawLot, LOT_OFFERERS)
  withdraw(request: RpcRequest<typeof InventoryRpc.withdrawLot>) {
    return this.lots.withdraw(request);
  }
}
