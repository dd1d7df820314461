import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { GoodsService } from './goods.service.js';
import { MOVERS, STOCK_READERS, WORKSHOP } from '../common/access.js';

@Controller()
export class GoodsHandlers {
  constructor(private readonly goods: GoodsService) {}

  @RpcHandler(InventoryRpc.moveGood, MOVERS)
  move(request: RpcRequest<typeof InventoryRpc.moveGood>) {
    return this.goods.move(request);
  }

  @RpcHandler(InventoryRpc.getGood, STOCK_READERS)
  get(request: RpcRequest<typeof InventoryRpc.getGood>) {
    return this.goods.get(request);
  }

  @RpcHandler(InventoryRpc.listGoods, STOCK_READERS)
  list(request: RpcRequest<typeof InventoryRpc.listGoods>) {
    return this.goods.list(request);
  }

  @RpcHandler(InventoryRpc.passport, STOCK_READERS)
  passport(request: RpcRequest<typeof InventoryRpc.passport>) {
    return this.goods.passport(request);
  }

  @RpcHandler(InventoryRpc.recall, WORKSHOP)
  recall(request: RpcRequest<typeof InventoryRpc.recall>) {
    return this.goods.recall(request);
  }

  @RpcHandler(InventoryRpc.issueRecall, WORKSHOP)
  issueRecall(request: RpcRequest<typeof InventoryRpc.issueRecall>) {
    return this.goods.issueRecall(request);
  }

  @RpcHandler(InventoryRpc.liftRecall, WORKSHOP)
  liftRecall(request: RpcRequest<typeof InventoryRpc.liftRecall>) {
    return this.goods.liftRecall(request);
  }
}
