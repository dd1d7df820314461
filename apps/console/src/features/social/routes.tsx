import type { RouteObject } from 'react-router';

/**
 * The pages of a beneficiary and of the social worker acting for them: their needs for a
 * medical aid, stating one, and one need with the catalogue searched from where it is.
 */
export const socialRoutes: RouteObject[] = [
  {
    path: 'needs',
    lazy: () => import('./NeedsPage').then((m) => ({ Component: m.NeedsPage })),
  },
  {
    path: 'needs/new',
    lazy: () => import('./NeedFormPage').then((m) => ({ Component: m.NeedFormPage })),
  },
  {
    path: 'needs/:needId',
    lazy: () => import('./NeedPage').then((m) => ({ Component: m.NeedPage })),
  },
];
