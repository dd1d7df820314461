import type { RouteObject } from 'react-router';

/** The staff of a workshop or reuse village: the medical aids held, waiting for their approval. */
export const approvalRoutes: RouteObject[] = [
  {
    path: 'approvals',
    lazy: () => import('./ApprovalsPage').then((m) => ({ Component: m.ApprovalsPage })),
  },
];
