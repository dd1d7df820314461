import type { RouteObject } from 'react-router';

const list = () => import('./PickupsPage').then((m) => ({ Component: m.PickupsPage }));
const request = () =>
  import('./RequestPickupPage').then((m) => ({ Component: m.RequestPickupPage }));

/** A shop's pickups of its full crates, a firm's of its lots: asked for, then followed. */
export const shopPickupRoutes: RouteObject[] = [
  { path: 'shop/pickups', lazy: list },
  { path: 'shop/pickups/new', lazy: request },
];

export const firmPickupRoutes: RouteObject[] = [
  { path: 'firm/pickups', lazy: list },
  { path: 'firm/pickups/new', lazy: request },
];
