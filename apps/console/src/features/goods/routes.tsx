import type { RouteObject } from 'react-router';

/** Pages about one good, for every group that reads goods: its passport, which labels point to. */
export const goodsRoutes: RouteObject[] = [
  {
    path: 'goods/:goodId/passport',
    lazy: () => import('./PassportPage').then((m) => ({ Component: m.PassportPage })),
  },
];
