import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CertifyV1,
  InventoryRpc,
  RecordChecklistV1,
  RecordDisinfectionV1,
  RecordQualityCheckV1,
  ReleaseForUseV1,
  ReturnItemV1,
  StartRefurbishmentV1,
  TriageV1,
} from '@boucle/contracts';
import { InventoryRpcExceptionFilter } from '../common/rpc-exception.filter.js';
import { parseCommand } from '../common/validate.js';
import { RefurbishmentService } from './refurbishment.service.js';

@Controller()
@UseFilters(InventoryRpcExceptionFilter)
export class RefurbishmentHandlers {
  constructor(private readonly refurbishment: RefurbishmentService) {}

  @MessagePattern(InventoryRpc.triage)
  triage(@Payload() data: unknown) {
    return this.refurbishment.triage(parseCommand(TriageV1, data));
  }

  @MessagePattern(InventoryRpc.startRefurbishment)
  start(@Payload() data: unknown) {
    return this.refurbishment.start(parseCommand(StartRefurbishmentV1, data));
  }

  @MessagePattern(InventoryRpc.recordChecklist)
  checklist(@Payload() data: unknown) {
    return this.refurbishment.recordChecklist(parseCommand(RecordChecklistV1, data));
  }

  @MessagePattern(InventoryRpc.recordQualityCheck)
  qualityCheck(@Payload() data: unknown) {
    return this.refurbishment.recordQualityCheck(parseCommand(RecordQualityCheckV1, data));
  }

  @MessagePattern(InventoryRpc.recordDisinfection)
  disinfection(@Payload() data: unknown) {
    return this.refurbishment.recordDisinfection(parseCommand(RecordDisinfectionV1, data));
  }

  @MessagePattern(InventoryRpc.certify)
  certify(@Payload() data: unknown) {
    return this.refurbishment.certify(parseCommand(CertifyV1, data));
  }

  @MessagePattern(InventoryRpc.releaseForUse)
  release(@Payload() data: unknown) {
    return this.refurbishment.releaseForUse(parseCommand(ReleaseForUseV1, data));
  }

  @MessagePattern(InventoryRpc.returnItem)
  returnItem(@Payload() data: unknown) {
    return this.refurbishment.returnItem(parseCommand(ReturnItemV1, data));
  }
}
