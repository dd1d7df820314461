import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { STOCK_KEEPERS } from '../common/access.js';
import { CustodyService } from './custody.service.js';

@Controller()
export class CustodyHandlers {
  constructor(private readonly custody: CustodyService) {}

  @RpcHandler(InventoryRpc.relocateGood, STOCK_KEEPERS)
  relocate(request: RpcRequest<typeof InventoryRpc.relocateGood>) {
    return this.custody.relocate(request);
  }

  @RpcHandler(InventoryRpc.transferGood, STOCK_KEEPERS)
  transfer(request: RpcRequest<typeof InventoryRpc.transferGood>) {
    return this.custody.transfer(request);
  }
}
