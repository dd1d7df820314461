import { Controller } from '@nestjs/common';
import { MatchingRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { ERASERS, NEED_KEEPERS } from '../common/access.js';
import { NeedsService } from './needs.service.js';

@Controller()
export class NeedsHandlers {
  constructor(private readonly needs: NeedsService) {}

  @RpcHandler(MatchingRpc.registerNeed, NEED_KEEPERS)
  register(request: RpcRequest<typeof MatchingRpc.registerNeed>) {
    return this.needs.register(request);
  }

  @RpcHandler(MatchingRpc.getNeed, NEED_KEEPERS)
  get(request: RpcRequest<typeof MatchingRpc.getNeed>) {
    return this.needs.get(request);
  }

  @RpcHandler(MatchingRpc.listNeeds, NEED_KEEPERS)
  list(request: RpcRequest<typeof MatchingRpc.listNeeds>) {
    return this.needs.list(request);
  }

  @RpcHandler(MatchingRpc.withdrawNeed, NEED_KEEPERS)
  withdraw(request: RpcRequest<typeof MatchingRpc.withdrawNeed>) {
    return this.needs.withdraw(request);
  }

  @RpcHandler(MatchingRpc.eraseBeneficiary, ERASERS)
  erase(request: RpcRequest<typeof MatchingRpc.eraseBeneficiary>) {
    return this.needs.erase(request);
  }
}
