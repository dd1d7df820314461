import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { RefurbishmentService } from './refurbishment.service.js';

@Controller()
export class RefurbishmentHandlers {
  constructor(private readonly refurbishment: RefurbishmentService) {}

  @RpcHandler(InventoryRpc.triage)
  triage(request: RpcRequest<typeof InventoryRpc.triage>) {
    return this.refurbishment.triage(request);
  }

  @RpcHandler(InventoryRpc.startRefurbishment)
  start(request: RpcRequest<typeof InventoryRpc.startRefurbishment>) {
    return this.refurbishment.start(request);
  }

  @RpcHandler(InventoryRpc.recordChecklist)
  checklist(request: RpcRequest<typeof InventoryRpc.recordChecklist>) {
    return this.refurbishment.recordChecklist(request);
  }

  @RpcHandler(InventoryRpc.recordQualityCheck)
  qualityCheck(request: RpcRequest<typeof InventoryRpc.recordQualityCheck>) {
    return this.refurbishment.recordQualityCheck(request);
  }

  @RpcHandler(InventoryRpc.recordDisinfection)
  disinfection(request: RpcRequest<typeof InventoryRpc.recordDisinfection>) {
    return this.refurbishment.recordDisinfection(request);
  }

  @RpcHandler(InventoryRpc.certify)
  certify(request: RpcRequest<typeof InventoryRpc.certify>) {
    return this.refurbishment.certify(request);
  }

  @RpcHandler(InventoryRpc.releaseForUse)
  release(request: RpcRequest<typeof InventoryRpc.releaseForUse>) {
    return this.refurbishment.releaseForUse(request);
  }

  @RpcHandler(InventoryRpc.returnItem)
  returnItem(request: RpcRequest<typeof InventoryRpc.returnItem>) {
    return this.refurbishment.returnItem(request);
  }
}
