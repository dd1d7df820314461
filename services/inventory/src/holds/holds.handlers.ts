import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { HoldsService } from './holds.service.js';
import { HOLDERS } from '../common/access.js';

@Controller()
export class HoldsHandlers {
  constructor(private readonly holds: HoldsService) {}

  @RpcHandler(InventoryRpc.placeHold, HOLDERS)
  place(request: RpcRequest<typeof InventoryRpc.placeHold>) {
    return this.holds.place(request);
  }

  @RpcHandler(InventoryRpc.releaseHold, HOLDERS)
  release(request: RpcRequest<typeof InventoryRpc.releaseHold>) {
    return this.holds.release(request);
  }

  @RpcHandler(InventoryRpc.handOverHold, HOLDERS)
  handOver(request: RpcRequest<typeof InventoryRpc.handOverHold>) {
    return this.holds.handOver(request);
  }
}
