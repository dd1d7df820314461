import { Controller } from '@nestjs/common';
import { CollectionRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { PICKUP_READERS, REQUESTERS } from '../common/access.js';
import { PickupsService } from './pickups.service.js';

@Controller()
export class PickupsHandlers {
  constructor(private readonly pickups: PickupsService) {}

  @RpcHandler(CollectionRpc.requestPickup, REQUESTERS)
  request(request: RpcRequest<typeof CollectionRpc.requestPickup>) {
    return this.pickups.request(request);
  }

  @RpcHandler(CollectionRpc.getPickup, PICKUP_READERS)
  get(request: RpcRequest<typeof CollectionRpc.getPickup>) {
    return this.pickups.get(request);
  }

  @RpcHandler(CollectionRpc.listPickups, REQUESTERS)
  list(request: RpcRequest<typeof CollectionRpc.listPickups>) {
    return this.pickups.list(request);
  }

  @RpcHandler(CollectionRpc.cancelPickup, REQUESTERS)
  cancel(request: RpcRequest<typeof CollectionRpc.cancelPickup>) {
    return this.pickups.cancel(request);
  }
}
