import type { NamedMigration } from '@boucle/database';
import { messagingMigrations } from '@boucle/messaging';
import { MatchingCatalogue } from './catalogue.migration.js';
import { MatchingLineByUrgency } from './line-by-urgency.migration.js';
import { MatchingLineLength } from './line-length.migration.js';
import { MatchingNeeds } from './needs.migration.js';
import { MatchingNeedScore } from './need-score.migration.js';
import { MatchingProposals } from './proposals.migration.js';
import { MatchingReachByClass } from './reach-by-class.migration.js';
import { MatchingReservations } from './reservations.migration.js';
import { MatchingReservationSaga } from './saga.migration.js';
import { MatchingSearchNearest } from './search-nearest.migration.js';
import { MatchingSearchSpeed } from './search-speed.migration.js';
import { MatchingSearchTies } from './search-ties.migration.js';

/** Applied in this order at start; never rename one that has run anywhere. */
export const matchingMigrations: readonly NamedMigration[] = [
  ...messagingMigrations,
  { name: 'Matching20261201000000Catalogue', class: MatchingCatalogue },
  { name: 'Matching20261201010000Needs', class: MatchingNeeds },
  { name: 'Matching20261201020000Proposals', class: MatchingProposals },
  { name: 'Matching20261201030000Reservations', class: MatchingReservations },
  { name: 'Matching20261202000000ReservationSaga', class: MatchingReservationSaga },
  { name: 'Matching20261202100000SearchSpeed', class: MatchingSearchSpeed },
  { name: 'Matching20261202110000SearchNearest', class: MatchingSearchNearest },
  { name: 'Matching20261202120000SearchTies', class: MatchingSearchTies },
  { name: 'Matching20261202130000NeedScore', class: MatchingNeedScore },
  { name: 'Matching20261203080000ReachByClass', class: MatchingReachByClass },
  { name: 'Matching20261203120000LineLength', class: MatchingLineLength },
  { name: 'Matching20261205000000LineByUrgency', class: MatchingLineByUrgency },
];
