import { Controller } from '@nestjs/common';
import { InventoryRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { SitesService } from './sites.service.js';
import { COORDINATOR, MEMBERS, SITE_KEEPERS, STOCK_READERS, WORKSHOP } from '../common/access.js';

@Controller()
export class SitesHandlers {
  constructor(private readonly sites: SitesService) {}

  @RpcHandler(InventoryRpc.registerOrganisation, COORDINATOR)
  registerOrganisation(request: RpcRequest<typeof InventoryRpc.registerOrganisation>) {
    return this.sites.registerOrganisation(request);
  }

  @RpcHandler(InventoryRpc.registerSite, SITE_KEEPERS)
  registerSite(request: RpcRequest<typeof InventoryRpc.registerSite>) {
    return this.sites.registerSite(request);
  }

  @RpcHandler(InventoryRpc.listOrganisations, MEMBERS)
  listOrganisations(request: RpcRequest<typeof InventoryRpc.listOrganisations>) {
    return this.sites.listOrganisations(request);
  }

  @RpcHandler(InventoryRpc.listSites, STOCK_READERS)
  listSites(request: RpcRequest<typeof InventoryRpc.listSites>) {
    return this.sites.listSites(request);
  }

  @RpcHandler(InventoryRpc.listCertificates, WORKSHOP)
  listCertificates(request: RpcRequest<typeof InventoryRpc.listCertificates>) {
    return this.sites.listCertificates(request);
  }

  @RpcHandler(InventoryRpc.getDeviceModel, WORKSHOP)
  getDeviceModel(request: RpcRequest<typeof InventoryRpc.getDeviceModel>) {
    return this.sites.getDeviceModel(request);
  }

  @RpcHandler(InventoryRpc.recordCertificate, COORDINATOR)
  recordCertificate(request: RpcRequest<typeof InventoryRpc.recordCertificate>) {
    return this.sites.recordCertificate(request);
  }

  @RpcHandler(InventoryRpc.revokeCertificate, COORDINATOR)
  revokeCertificate(request: RpcRequest<typeof InventoryRpc.revokeCertificate>) {
    return this.sites.revokeCertificate(request);
  }

  @RpcHandler(InventoryRpc.registerDeviceModel, COORDINATOR)
  registerDeviceModel(request: RpcRequest<typeof InventoryRpc.registerDeviceModel>) {
    return this.sites.registerDeviceModel(request);
  }
}
