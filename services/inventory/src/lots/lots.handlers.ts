import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DivertLotV1, InventoryRpc, OfferLotV1 } from '@boucle/contracts';
import { InventoryRpcExceptionFilter } from '../common/rpc-exception.filter.js';
import { parseCommand } from '../common/validate.js';
import { LotsService } from './lots.service.js';

@Controller()
@UseFilters(InventoryRpcExceptionFilter)
export class LotsHandlers {
  constructor(private readonly lots: LotsService) {}

  @MessagePattern(InventoryRpc.offerLot)
  offer(@Payload() data: unknown) {
    return this.lots.offer(parseCommand(OfferLotV1, data));
  }

  @MessagePattern(InventoryRpc.divertLot)
  divert(@Payload() data: unknown) {
    return this.lots.divert(parseCommand(DivertLotV1, data));
  }
}
