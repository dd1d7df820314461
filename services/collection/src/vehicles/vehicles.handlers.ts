import { Controller } from '@nestjs/common';
import { CollectionRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { FLEET_KEEPERS } from '../common/access.js';
import { VehiclesService } from './vehicles.service.js';

@Controller()
export class VehiclesHandlers {
  constructor(private readonly vehicles: VehiclesService) {}

  @RpcHandler(CollectionRpc.registerVehicle, FLEET_KEEPERS)
  register(request: RpcRequest<typeof CollectionRpc.registerVehicle>) {
    return this.vehicles.register(request);
  }

  @RpcHandler(CollectionRpc.listVehicles, FLEET_KEEPERS)
  list(request: RpcRequest<typeof CollectionRpc.listVehicles>) {
    return this.vehicles.list(request);
  }
}
