import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { homeOf } from '../app/groups';
import { useI18n } from '../i18n/i18n';
import { Loading, PageHeading } from '../shared/form';
import { sessionStore, type TokenRefusal } from './session';

const REFUSALS: Record<
  TokenRefusal | 'failed',
  'signIn.malformed' | 'signIn.noRole' | 'signIn.expired' | 'signIn.providerFailed'
> = {
  malformed: 'signIn.malformed',
  'no-role': 'signIn.noRole',
  expired: 'signIn.expired',
  failed: 'signIn.providerFailed',
};

/**
 * Where the OIDC provider sends the person back (`/sign-in/callback?code=…&state=…`): the
 * code exchanged for the tokens, then the page they were going to. A refusal is said
 * here, with the way back to the sign-in page.
 */
export function CallbackPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [refusal, setRefusal] = useState<TokenRefusal | 'failed' | null>(null);

  useEffect(() => {
    let current = true;
    void import('./oidc')
      .then((oidc) => oidc.completeSignIn())
      .catch(() => ({ refusal: 'failed' as const }))
      .then((completed) => {
        if (!current) return;
        if ('refusal' in completed) {
          setRefusal(completed.refusal);
          return;
        }
        sessionStore.signIn(completed.session);
        const next = completed.next;
        // Only a path of this console, never another site.
        const target = next && next.startsWith('/') && !next.startsWith('//') ? next : undefined;
        void navigate(target ?? homeOf(completed.session.role) ?? '/', { replace: true });
      });
    return () => {
      current = false;
    };
  }, [navigate]);

  return (
    <main id="main" className="sign-in" tabIndex={-1}>
      <PageHeading title={t('signIn.title')}>{t('signIn.title')}</PageHeading>
      {refusal ? (
        <>
          <p className="notice" role="alert">
            {t(REFUSALS[refusal])}
          </p>
          <p>
            <Link to="/sign-in">{t('signIn.backToSignIn')}</Link>
          </p>
        </>
      ) : (
        <Loading />
      )}
    </main>
  );
}
