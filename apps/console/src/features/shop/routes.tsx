import type { RouteObject } from 'react-router';
import { shopPickupRoutes } from '../pickups/routes';

/** A partner shop's pages: its crates and deposit pool, and the pickups of its full crates. */
export const shopRoutes: RouteObject[] = [
  {
    path: 'shop',
    lazy: () => import('./PoolPage').then((m) => ({ Component: m.PoolPage })),
  },
  ...shopPickupRoutes,
];
