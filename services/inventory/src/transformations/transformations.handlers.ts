import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { TransformationsService } from './transformations.service.js';
import { STOCK_KEEPERS } from '../common/access.js';

@Controller()
export class TransformationsHandlers {
  constructor(private readonly transformations: TransformationsService) {}

  @RpcHandler(InventoryRpc.recordTransformation, STOCK_KEEPERS)
  record(request: RpcRequest<typeof InventoryRpc.recordTransformation>) {
    return this.transformations.record(request);
  }
}
