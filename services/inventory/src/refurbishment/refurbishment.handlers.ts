import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { RefurbishmentService } from './refurbishment.service.js';
import { REFURBISHER, STOCK_KEEPERS, WORKSHOP } from '../common/access.js';

@Controller()
export class RefurbishmentHandlers {
  constructor(private readonly refurbishment: RefurbishmentService) {}

  @RpcHandler(InventoryRpc.triage, WORKSHOP)
  triage(request: RpcRequest<typeof InventoryRpc.triage>) {
    return this.refurbishment.triage(request);
  }

  @RpcHandler(InventoryRpc.startRefurbishment, WORKSHOP)
  start(request: RpcRequest<typeof InventoryRpc.startRefurbishment>) {
    return this.refurbishment.start(request);
  }

  @RpcHandler(InventoryRpc.recordChecklist, WORKSHOP)
  checklist(request: RpcRequest<typeof InventoryRpc.recordChecklist>) {
    return this.refurbishment.recordChecklist(request);
  }

  @RpcHandler(InventoryRpc.recordQualityCheck, WORKSHOP)
  qualityCheck(request: RpcRequest<typeof InventoryRpc.recordQualityCheck>) {
    return this.refurbishment.recordQualityCheck(request);
  }

  @RpcHandler(InventoryRpc.recordDisinfection, WORKSHOP)
  disinfection(request: RpcRequest<typeof InventoryRpc.recordDisinfection>) {
    return this.refurbishment.recordDisinfection(request);
  }

  @RpcHandler(InventoryRpc.certify, REFURBISHER)
  certify(request: RpcRequest<typeof InventoryRpc.certify>) {
    return this.refurbishment.certify(request);
  }

  @RpcHandler(InventoryRpc.releaseForUse, WORKSHOP)
  release(request: RpcRequest<typeof InventoryRpc.releaseForUse>) {
    return this.refurbishment.releaseForUse(request);
  }

  @RpcHandler(InventoryRpc.returnItem, STOCK_KEEPERS)
  returnItem(request: RpcRequest<typeof InventoryRpc.returnItem>) {
    return this.refurbishment.returnItem(request);
  }
}
