import { Controller } from '@nestjs/common';
import { CollectionRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { POINT_KEEPERS } from '../common/access.js';
import { PointsService } from './points.service.js';

@Controller()
export class PointsHandlers {
  constructor(private readonly points: PointsService) {}

  @RpcHandler(CollectionRpc.registerPoint, POINT_KEEPERS)
  register(request: RpcRequest<typeof CollectionRpc.registerPoint>) {
    return this.points.register(request);
  }

  @RpcHandler(CollectionRpc.getPoint, POINT_KEEPERS)
  get(request: RpcRequest<typeof CollectionRpc.getPoint>) {
    return this.points.get(request);
  }

  @RpcHandler(CollectionRpc.setPointSchedule, POINT_KEEPERS)
  setSchedule(request: RpcRequest<typeof CollectionRpc.setPointSchedule>) {
    return this.points.setSchedule(request);
  }

  @RpcHandler(CollectionRpc.reportFill, POINT_KEEPERS)
  reportFill(request: RpcRequest<typeof CollectionRpc.reportFill>) {
    return this.points.reportFill(request);
  }
}
