import type { RouteObject } from 'react-router';
import { firmPickupRoutes } from '../pickups/routes';

/**
 * A construction firm's pages: its lots, offering one, each lot with its holds and where it
 * went, the pickups of its lots, and its wanted list with the lots proposed to each entry.
 */
export const firmRoutes: RouteObject[] = [
  {
    path: 'firm/lots',
    lazy: () => import('./lots/LotsPage').then((m) => ({ Component: m.LotsPage })),
  },
  {
    path: 'firm/offer',
    lazy: () => import('./offer/OfferPage').then((m) => ({ Component: m.OfferPage })),
  },
  {
    path: 'firm/lots/:goodId',
    lazy: () => import('./lot/LotPage').then((m) => ({ Component: m.LotPage })),
  },
  {
    path: 'firm/wanted',
    lazy: () => import('./wanted/WantedPage').then((m) => ({ Component: m.WantedPage })),
  },
  {
    path: 'firm/wanted/new',
    lazy: () => import('./wanted/WantedFormPage').then((m) => ({ Component: m.WantedFormPage })),
  },
  {
    path: 'firm/wanted/:needId',
    lazy: () => import('./wanted/WantedEntryPage').then((m) => ({ Component: m.WantedEntryPage })),
  },
  ...firmPickupRoutes,
];
