import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { QuarantineService } from './quarantine.service.js';
import { WORKSHOP } from '../common/access.js';

@Controller()
export class QuarantineHandlers {
  constructor(private readonly quarantine: QuarantineService) {}

  @RpcHandler(InventoryRpc.quarantineItem, WORKSHOP)
  quarantineItem(request: RpcRequest<typeof InventoryRpc.quarantineItem>) {
    return this.quarantine.quarantine(request);
  }

  @RpcHandler(InventoryRpc.refurbishQuarantined, WORKSHOP)
  refurbish(request: RpcRequest<typeof InventoryRpc.refurbishQuarantined>) {
    return this.quarantine.refurbish(request);
  }

  @RpcHandler(InventoryRpc.scrapQuarantined, WORKSHOP)
  scrap(request: RpcRequest<typeof InventoryRpc.scrapQuarantined>) {
    return this.quarantine.scrap(request);
  }
}
