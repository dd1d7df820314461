import type { RouteObject } from 'react-router';

/** The workshop's pages: the queue of aids by gate, and one aid's gates to record. */
export const refurbisherRoutes: RouteObject[] = [
  {
    path: 'workshop',
    lazy: () => import('./queue/QueuePage').then((m) => ({ Component: m.QueuePage })),
  },
  {
    path: 'workshop/aids/:goodId',
    lazy: () => import('./aid/AidPage').then((m) => ({ Component: m.AidPage })),
  },
];
