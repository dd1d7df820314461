import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetGoodV1, InventoryRpc, MoveGoodV1, RecallV1 } from '@boucle/contracts';
import { InventoryRpcExceptionFilter } from '../common/rpc-exception.filter.js';
import { parseCommand } from '../common/validate.js';
import { GoodsService } from './goods.service.js';

@Controller()
@UseFilters(InventoryRpcExceptionFilter)
export class GoodsHandlers {
  constructor(private readonly goods: GoodsService) {}

  @MessagePattern(InventoryRpc.moveGood)
  move(@Payload() data: unknown) {
    return this.goods.move(parseCommand(MoveGoodV1, data));
  }

  @MessagePattern(InventoryRpc.getGood)
  get(@Payload() data: unknown) {
    return this.goods.get(parseCommand(GetGoodV1, data));
  }

  @MessagePattern(InventoryRpc.passport)
  passport(@Payload() data: unknown) {
    return this.goods.passport(parseCommand(GetGoodV1, data));
  }

  @MessagePattern(InventoryRpc.recall)
  recall(@Payload() data: unknown) {
    return this.goods.recall(parseCommand(RecallV1, data));
  }
}
