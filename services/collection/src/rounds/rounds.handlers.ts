import { Controller } from '@nestjs/common';
import { CollectionRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { FLEET_KEEPERS, PLANNERS, ROUND_CREW, ROUND_READERS } from '../common/access.js';
import { MoveStopService } from './move-stop.service.js';
import { PlanningService } from './planning.service.js';
import { RoundsService } from './rounds.service.js';
import { StopsService } from './stops.service.js';

@Controller()
export class RoundsHandlers {
  constructor(
    private readonly planning: PlanningService,
    private readonly rounds: RoundsService,
    private readonly stops: StopsService,
    private readonly moves: MoveStopService,
  ) {}

  @RpcHandler(CollectionRpc.planDay, PLANNERS)
  planDay(request: RpcRequest<typeof CollectionRpc.planDay>) {
    return this.planning.request(request);
  }

  @RpcHandler(CollectionRpc.listRounds, ROUND_READERS)
  list(request: RpcRequest<typeof CollectionRpc.listRounds>) {
    return this.rounds.list(request);
  }

  @RpcHandler(CollectionRpc.getRound, ROUND_READERS)
  get(request: RpcRequest<typeof CollectionRpc.getRound>) {
    return this.rounds.get(request);
  }

  @RpcHandler(CollectionRpc.assignDriver, FLEET_KEEPERS)
  assignDriver(request: RpcRequest<typeof CollectionRpc.assignDriver>) {
    return this.rounds.assignDriver(request);
  }

  @RpcHandler(CollectionRpc.moveStop, PLANNERS)
  moveStop(request: RpcRequest<typeof CollectionRpc.moveStop>) {
    return this.moves.move(request);
  }

  @RpcHandler(CollectionRpc.startRound, ROUND_CREW)
  start(request: RpcRequest<typeof CollectionRpc.startRound>) {
    return this.rounds.start(request);
  }

  @RpcHandler(CollectionRpc.recordCollected, ROUND_CREW)
  collected(request: RpcRequest<typeof CollectionRpc.recordCollected>) {
    return this.stops.collected(request);
  }

  @RpcHandler(CollectionRpc.recordMissed, ROUND_CREW)
  missed(request: RpcRequest<typeof CollectionRpc.recordMissed>) {
    return this.stops.missed(request);
  }
}
