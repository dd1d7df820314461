import { Controller } from '@nestjs/common';
import { MatchingRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { PRIORITY_SETTERS, PROPOSAL_READERS } from '../common/access.js';
import { ProposalsService } from './proposals.service.js';

@Controller()
export class ProposalsHandlers {
  constructor(private readonly proposals: ProposalsService) {}

  @RpcHandler(MatchingRpc.listProposals, PROPOSAL_READERS)
  list(request: RpcRequest<typeof MatchingRpc.listProposals>) {
    return this.proposals.list(request);
  }

  @RpcHandler(MatchingRpc.setSocialPriority, PRIORITY_SETTERS)
  setSocialPriority(request: RpcRequest<typeof MatchingRpc.setSocialPriority>) {
    return this.proposals.setSocialPriority(request);
  }
}
