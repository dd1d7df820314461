import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  InventoryRpc,
  RecordCertificateV1,
  RegisterDeviceModelV1,
  RegisterOrganisationV1,
  RegisterSiteV1,
} from '@boucle/contracts';
import { InventoryRpcExceptionFilter } from '../common/rpc-exception.filter.js';
import { parseCommand } from '../common/validate.js';
import { SitesService } from './sites.service.js';

@Controller()
@UseFilters(InventoryRpcExceptionFilter)
export class SitesHandlers {
  constructor(private readonly sites: SitesService) {}

  @MessagePattern(InventoryRpc.registerOrganisation)
  registerOrganisation(@Payload() data: unknown) {
    return this.sites.registerOrganisation(parseCommand(RegisterOrganisationV1, data));
  }

  @MessagePattern(InventoryRpc.registerSite)
  registerSite(@Payload() data: unknown) {
    return this.sites.registerSite(parseCommand(RegisterSiteV1, data));
  }

  @MessagePattern(InventoryRpc.recordCertificate)
  recordCertificate(@Payload() data: unknown) {
    return this.sites.recordCertificate(parseCommand(RecordCertificateV1, data));
  }

  @MessagePattern(InventoryRpc.registerDeviceModel)
  registerDeviceModel(@Payload() data: unknown) {
    return this.sites.registerDeviceModel(parseCommand(RegisterDeviceModelV1, data));
  }
}
