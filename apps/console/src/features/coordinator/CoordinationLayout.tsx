import { NavLink, Outlet } from 'react-router';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/fr';

const PAGES: readonly { to: string; label: MessageKey; end?: boolean }[] = [
  { to: '/coordination', label: 'coordination.tonnage', end: true },
  { to: '/coordination/members', label: 'coordination.members' },
  { to: '/coordination/sites', label: 'coordination.sites' },
  { to: '/coordination/certificates', label: 'coordination.certificates' },
  { to: '/coordination/device-models', label: 'coordination.models' },
  { to: '/coordination/collection', label: 'coordination.collection' },
];

/** The coordinator's pages share one navigation, under the banner's. */
export function CoordinationLayout() {
  const { t } = useI18n();
  return (
    <>
      <nav aria-label={t('coordination.navigation')} className="gates-nav no-print">
        <ul>
          {PAGES.map((page) => (
            <li key={page.to}>
              <NavLink to={page.to} end={page.end ?? false}>
                {t(page.label)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </>
  );
}
