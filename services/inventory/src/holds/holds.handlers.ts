import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { HandOverHoldV1, InventoryRpc, PlaceHoldV1, ReleaseHoldV1 } from '@boucle/contracts';
import { InventoryRpcExceptionFilter } from '../common/rpc-exception.filter.js';
import { parseCommand } from '../common/validate.js';
import { HoldsService } from './holds.service.js';

@Controller()
@UseFilters(InventoryRpcExceptionFilter)
export class HoldsHandlers {
  constructor(private readonly holds: HoldsService) {}

  @MessagePattern(InventoryRpc.placeHold)
  place(@Payload() data: unknown) {
    return this.holds.place(parseCommand(PlaceHoldV1, data));
  }

  @MessagePattern(InventoryRpc.releaseHold)
  release(@Payload() data: unknown) {
    return this.holds.release(parseCommand(ReleaseHoldV1, data));
  }

  @MessagePattern(InventoryRpc.handOverHold)
  handOver(@Payload() data: unknown) {
    return this.holds.handOver(parseCommand(HandOverHoldV1, data));
  }
}
