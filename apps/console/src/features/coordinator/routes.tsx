import type { RouteObject } from 'react-router';

/**
 * The cluster's coordinator: the tonnage dashboard (its home), the registers it keeps
 * (members, their sites, refurbishment centres' certificates, device models), and the
 * planning of collection rounds.
 */
export const coordinatorRoutes: RouteObject[] = [
  {
    path: 'coordination',
    lazy: () => import('./CoordinationLayout').then((m) => ({ Component: m.CoordinationLayout })),
    children: [
      {
        index: true,
        lazy: () => import('./tonnage/TonnagePage').then((m) => ({ Component: m.TonnagePage })),
      },
      {
        path: 'members',
        lazy: () => import('./members/MembersPage').then((m) => ({ Component: m.MembersPage })),
      },
      {
        path: 'sites',
        lazy: () => import('./sites/SitesPage').then((m) => ({ Component: m.SitesPage })),
      },
      {
        path: 'certificates',
        lazy: () =>
          import('./certificates/CertificatesPage').then((m) => ({
            Component: m.CertificatesPage,
          })),
      },
      {
        path: 'device-models',
        lazy: () => import('./models/ModelsPage').then((m) => ({ Component: m.ModelsPage })),
      },
      {
        path: 'collection',
        lazy: () =>
          import('./collection/PlanningPage').then((m) => ({ Component: m.PlanningPage })),
      },
    ],
  },
];
