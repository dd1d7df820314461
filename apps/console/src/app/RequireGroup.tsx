import { Outlet } from 'react-router';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session/session';
import { PageHeading } from '../shared/form';
import type { UserGroup } from './groups';

/** A group's pages, for the roles it lists; anyone else is told, not shown an empty page. */
export function RequireGroup({ group }: { group: UserGroup }) {
  const session = useSession();
  const { t } = useI18n();
  if (session && group.roles.includes(session.role)) return <Outlet />;
  return (
    <section>
      <PageHeading title={t('access.title')}>{t('access.title')}</PageHeading>
      <p>{t('access.detail', { group: t(group.name) })}</p>
    </section>
  );
}
