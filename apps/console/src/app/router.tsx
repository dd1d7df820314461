import { createBrowserRouter, type RouteObject } from 'react-router';
import { approvalRoutes } from '../features/approvals/routes';
import { coordinatorRoutes } from '../features/coordinator/routes';
import { driverRoutes } from '../features/driver/routes';
import { firmRoutes } from '../features/firm/routes';
import { goodsRoutes } from '../features/goods/routes';
import { operatorRoutes } from '../features/operator/routes';
import { refurbisherRoutes } from '../features/refurbisher/routes';
import { reservationRoutes } from '../features/matching/routes';
import { shopRoutes } from '../features/shop/routes';
import { socialRoutes } from '../features/social/routes';
import {
  APPROVALS,
  COORDINATOR,
  DRIVER,
  FIRM,
  OPERATOR,
  REFURBISHER,
  SHOP,
  SOCIAL,
} from './groups';
import { Home, NotFound } from './Home';
import { RequireGroup } from './RequireGroup';
import { Shell } from './Shell';

/**
 * Every page, each loaded when first visited (route-level code splitting): the counter's
 * intake does not carry the workshop's or the labels' code.
 */
export const routes: RouteObject[] = [
  {
    path: '/sign-in',
    lazy: () => import('../session/SignInPage').then((m) => ({ Component: m.SignInPage })),
  },
  {
    // Where the OIDC provider sends people back after its sign-in page.
    path: '/sign-in/callback',
    lazy: () => import('../session/CallbackPage').then((m) => ({ Component: m.CallbackPage })),
  },
  {
    path: '/',
    Component: Shell,
    children: [
      { index: true, Component: Home },
      {
        path: 'workstation',
        lazy: () =>
          import('../session/WorkstationPage').then((m) => ({ Component: m.WorkstationPage })),
      },
      ...goodsRoutes,
      ...reservationRoutes,
      { element: <RequireGroup group={OPERATOR} />, children: operatorRoutes },
      { element: <RequireGroup group={REFURBISHER} />, children: refurbisherRoutes },
      { element: <RequireGroup group={SOCIAL} />, children: socialRoutes },
      { element: <RequireGroup group={APPROVALS} />, children: approvalRoutes },
      { element: <RequireGroup group={FIRM} />, children: firmRoutes },
      { element: <RequireGroup group={SHOP} />, children: shopRoutes },
      { element: <RequireGroup group={DRIVER} />, children: driverRoutes },
      { element: <RequireGroup group={COORDINATOR} />, children: coordinatorRoutes },
      { path: '*', Component: NotFound },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
