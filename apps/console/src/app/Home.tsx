import { Navigate } from 'react-router';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session/session';
import { PageHeading } from '../shared/form';
import { homeOf } from './groups';

/** A person lands on their group's first page; roles whose views are still to come are told so. */
export function Home() {
  const session = useSession();
  const { t } = useI18n();
  const home = session ? homeOf(session.role) : undefined;
  if (home) return <Navigate to={home} replace />;
  return (
    <section>
      <PageHeading title={t('home.title')}>{t('home.title')}</PageHeading>
      <p>{t('home.notYet')}</p>
    </section>
  );
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <section>
      <PageHeading title={t('notFound.title')}>{t('notFound.title')}</PageHeading>
      <p>{t('notFound.detail')}</p>
    </section>
  );
}
