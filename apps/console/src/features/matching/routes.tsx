import type { RouteObject } from 'react-router';

/**
 * A reservation's page, for whoever may read it (the need's people, a firm): the API
 * answers 404 to anyone else.
 */
export const reservationRoutes: RouteObject[] = [
  {
    path: 'reservations/:reservationId',
    lazy: () => import('./ReservationPage').then((m) => ({ Component: m.ReservationPage })),
  },
];
