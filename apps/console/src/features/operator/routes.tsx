import type { RouteObject } from 'react-router';
import { loadStock } from './stock/stock-loader';

/** The counter's pages: weighed intake, stock, labels, hand-over of what a hold keeps. */
export const operatorRoutes: RouteObject[] = [
  {
    path: 'intake',
    lazy: () => import('./intake/IntakePage').then((m) => ({ Component: m.IntakePage })),
  },
  {
    path: 'stock',
    loader: loadStock,
    lazy: () => import('./stock/StockPage').then((m) => ({ Component: m.StockPage })),
  },
  {
    path: 'labels',
    lazy: () => import('./labels/LabelsPage').then((m) => ({ Component: m.LabelsPage })),
  },
  {
    path: 'holds/:holdId/hand-over',
    lazy: () => import('./hand-over/HandOverPage').then((m) => ({ Component: m.HandOverPage })),
  },
];
