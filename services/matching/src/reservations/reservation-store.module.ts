import { Module } from '@nestjs/common';
import { ReservationEnds } from './reservation-ends.js';
import { ReservationsRepository } from './reservations.repository.js';

/**
 * The reservations table and how a reservation ends, for the features that end them: a
 * need that closes ends its reservations, without the needs depending on the saga.
 */
@Module({
  providers: [ReservationsRepository, ReservationEnds],
  exports: [ReservationsRepository, ReservationEnds],
})
export class ReservationStoreModule {}
