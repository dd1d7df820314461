import type { RouteObject } from 'react-router';

/** A driver's pages, on a phone: the day's round, and each stop to record. */
export const driverRoutes: RouteObject[] = [
  {
    path: 'driver',
    lazy: () => import('./RoundPage').then((m) => ({ Component: m.RoundPage })),
  },
  {
    path: 'driver/rounds/:roundId/stops/:pickupId',
    lazy: () => import('./StopPage').then((m) => ({ Component: m.StopPage })),
  },
];
