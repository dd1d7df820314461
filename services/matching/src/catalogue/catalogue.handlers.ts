import { Controller } from '@nestjs/common';
import { MatchingRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { CATALOGUE_READERS } from '../common/access.js';
import { CatalogueService } from './catalogue.service.js';

@Controller()
export class CatalogueHandlers {
  constructor(private readonly catalogue: CatalogueService) {}

  @RpcHandler(MatchingRpc.searchCatalogue, CATALOGUE_READERS)
  search(request: RpcRequest<typeof MatchingRpc.searchCatalogue>) {
    return this.catalogue.search(request);
  }

  @RpcHandler(MatchingRpc.getCatalogueGood, CATALOGUE_READERS)
  get(request: RpcRequest<typeof MatchingRpc.getCatalogueGood>) {
    return this.catalogue.get(request);
  }
}
