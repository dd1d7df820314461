import { Controller } from '@nestjs/common';
import { MatchingRpc, type RpcRequest } from '@boucle/contracts';
import { RpcHandler } from '@boucle/messaging';
import { APPROVERS, RESERVATION_READERS, RESERVERS } from '../common/access.js';
import { ReservationsService } from './reservations.service.js';

@Controller()
export class ReservationsHandlers {
  constructor(private readonly reservations: ReservationsService) {}

  @RpcHandler(MatchingRpc.requestReservation, RESERVERS)
  request(request: RpcRequest<typeof MatchingRpc.requestReservation>) {
    return this.reservations.request(request);
  }

  @RpcHandler(MatchingRpc.getReservation, RESERVATION_READERS)
  get(request: RpcRequest<typeof MatchingRpc.getReservation>) {
    return this.reservations.get(request);
  }

  @RpcHandler(MatchingRpc.listReservations, RESERVATION_READERS)
  list(request: RpcRequest<typeof MatchingRpc.listReservations>) {
    return this.reservations.list(request);
  }

  @RpcHandler(MatchingRpc.approveReservation, APPROVERS)
  approve(request: RpcRequest<typeof MatchingRpc.approveReservation>) {
    return this.reservations.approve(request);
  }

  @RpcHandler(MatchingRpc.refuseReservation, APPROVERS)
  refuse(request: RpcRequest<typeof MatchingRpc.refuseReservation>) {
    return this.reservations.refuse(request);
  }

  @RpcHandler(MatchingRpc.cancelReservation, RESERVERS)
  cancel(request: RpcRequest<typeof MatchingRpc.cancelReservation>) {
    return this.reservations.cancel(request);
  }
}
