import { Suspense, useEffect } from 'react';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { LANGUAGES, useI18n } from '../i18n/i18n';
import { flush, useOnline, useOutbox } from '../offline/outbox';
import { SENDERS } from '../offline/senders';
import { signOut, useSession } from '../session/session';
import { Loading } from '../shared/form';
import { groupsOf } from './groups';

/** How often entries kept on the device are tried again while some wait. */
const RETRY_MS = 5_000;

/** Every signed-in page: the banner with its navigation, the outbox's state, the page. */
export function Shell() {
  const session = useSession();
  const location = useLocation();
  const { t, language, setLanguage } = useI18n();
  const online = useOnline();
  const entries = useOutbox();
  const waiting = entries.filter((e) => e.status === 'pending' && e.userId === session?.userId);

  useEffect(() => {
    if (!session || !online) return;
    const send = () => void flush(session.userId, SENDERS).catch(() => undefined);
    send();
    if (waiting.length === 0) return;
    const timer = setInterval(send, RETRY_MS);
    return () => clearInterval(timer);
  }, [session, online, waiting.length]);

  // A session of the OIDC provider, after a reload: renewed again before it expires.
  const viaProvider = session?.via === 'provider';
  useEffect(() => {
    if (viaProvider)
      void import('../session/oidc').then((oidc) => oidc.keepRenewed()).catch(() => undefined);
  }, [viaProvider]);

  if (!session) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  const groups = groupsOf(session.role);
  const other = LANGUAGES.find((l) => l !== language)!;
  return (
    <>
      <a className="skip-link" href="#main">
        {t('shell.skip')}
      </a>
      <header className="banner">
        <div className="banner__brand">
          <span className="banner__name">Boucle</span>
          <span className="banner__role">{t(`role.${session.role}`)}</span>
        </div>
        <nav aria-label={t('shell.navigation')} className="banner__nav">
          <ul>
            {groups.flatMap((group) =>
              group.nav.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end ?? false}>
                    {t(item.label)}
                  </NavLink>
                </li>
              )),
            )}
            {groups.some((group) => group.workstation) ? (
              <li>
                <NavLink to="/workstation">{t('nav.workstation')}</NavLink>
              </li>
            ) : null}
          </ul>
        </nav>
        <div className="banner__tools">
          <p className={online ? 'network' : 'network network--off'} role="status">
            {online ? t('shell.online') : t('shell.offline')}
            {waiting.length ? ` · ${t('shell.waiting', { count: waiting.length })}` : ''}
          </p>
          <button
            type="button"
            className="button button--quiet"
            lang={other}
            onClick={() => setLanguage(other)}
          >
            {other === 'en' ? 'English' : 'Français'}
          </button>
          <button type="button" className="button button--quiet" onClick={signOut}>
            {t('shell.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </>
  );
}
